package io.vibstream.connectors.camera;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * JPEG through the JDK's javax.imageio writer (baseline, 4:2:0). Pure Java; as fast as
 * {@link FfmpegJpegEncoder} within 5% but with 17% larger frames, see {@link ImageEncoder#defaultJpeg}.
 */
public final class ImageIoJpegEncoder implements ImageEncoder {
  private final ImageWriter writer;
  private final ImageWriteParam param;

  /** @param quality 1..100, as in libjpeg */
  public ImageIoJpegEncoder(int quality) {
    if (quality < 1 || quality > 100) {
      throw new IllegalArgumentException("JPEG quality must be 1..100, got " + quality);
    }
    this.writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    this.param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality / 100f);
  }

  @Override
  public byte[] encode(BufferedImage image) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(ImageEncoder.bgr(image), null, null), param);
    } finally {
      writer.setOutput(null);
    }
    return bytes.toByteArray();
  }

  @Override
  public String name() {
    return "imageio";
  }

  @Override
  public void close() {
    writer.dispose();
  }
}
