package io.vibstream.flink.records;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * A frame after decoding. Either an image, its pixels as row-major BGR bytes
 * ({@code width * height * 3}, the layout of {@link BufferedImage#TYPE_3BYTE_BGR}) with
 * {@code features} null, or a frame whose camera computed the backbone features itself
 * ({@code F32_FEATURES}): {@code features} holds them, {@code bgr} is null and width/height
 * describe the source image (or are 0). Both travel through Flink's POJO serializer (no Kryo, no
 * AWT objects on the wire).
 */
public record DecodedFrame(String cameraId, long sequenceNumber, long captureTimestamp, int width, int height,
    byte[] bgr, float[] features) {

  /** An image frame of BGR pixels. */
  public DecodedFrame(String cameraId, long sequenceNumber, long captureTimestamp, int width, int height, byte[] bgr) {
    this(cameraId, sequenceNumber, captureTimestamp, width, height, bgr, null);
  }

  /** A frame that already carries its backbone features (no image). */
  public static DecodedFrame ofFeatures(String cameraId, long sequenceNumber, long captureTimestamp, int width,
      int height, float[] features) {
    return new DecodedFrame(cameraId, sequenceNumber, captureTimestamp, width, height, null, features);
  }

  /** Whether the backbone already ran (on the camera): {@link #features()} is set, there is no image. */
  public boolean hasFeatures() {
    return features != null;
  }

  /** A decoded frame from any {@link BufferedImage}; converted to BGR if needed. */
  public static DecodedFrame of(String cameraId, long sequenceNumber, long captureTimestamp, BufferedImage image) {
    byte[] data;
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      // The caller keeps its image: copy its pixels.
      data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData().clone();
    } else {
      BufferedImage bgrImage = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = bgrImage.createGraphics();
      g.drawImage(image, 0, 0, null);
      g.dispose();
      data = ((DataBufferByte) bgrImage.getRaster().getDataBuffer()).getData();
    }
    return new DecodedFrame(cameraId, sequenceNumber, captureTimestamp, image.getWidth(), image.getHeight(), data);
  }

  /**
   * The pixels as a {@link BufferedImage#TYPE_3BYTE_BGR} image (a copy).
   *
   * @throws IllegalStateException for a frame that carries features instead of an image
   */
  public BufferedImage toImage() {
    if (bgr == null) {
      throw new IllegalStateException("frame " + cameraId + "#" + sequenceNumber + " carries features, not an image");
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    System.arraycopy(bgr, 0, data, 0, data.length);
    return image;
  }
}
