package io.vibstream.flink.records;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * A frame after JPEG decoding: pixels as row-major BGR bytes ({@code width * height * 3}), the
 * layout of {@link BufferedImage#TYPE_3BYTE_BGR}, so it travels through Flink's POJO serializer
 * (no Kryo, no AWT objects on the wire).
 */
public record DecodedFrame(String cameraId, long sequenceNumber, long captureTimestamp, int width, int height,
    byte[] bgr) {

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

  /** The pixels as a {@link BufferedImage#TYPE_3BYTE_BGR} image (a copy). */
  public BufferedImage toImage() {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    System.arraycopy(bgr, 0, data, 0, data.length);
    return image;
  }
}
