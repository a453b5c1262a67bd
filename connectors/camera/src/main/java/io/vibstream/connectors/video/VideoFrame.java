package io.vibstream.connectors.video;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * One decoded video frame.
 *
 * @param image the pixels (TYPE_3BYTE_BGR unless a source documents otherwise)
 * @param timestampMicros presentation time from the start of the stream, in microseconds
 * @param groundTruth the action shown, for simulated sources that know it; null otherwise
 */
public record VideoFrame(BufferedImage image, long timestampMicros, String groundTruth) {
  public VideoFrame {
    Objects.requireNonNull(image, "image");
  }
}
