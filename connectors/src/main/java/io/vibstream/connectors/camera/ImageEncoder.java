package io.vibstream.connectors.camera;

import java.awt.image.BufferedImage;
import java.io.IOException;

/** Encodes frames to bytes (JPEG). Not thread-safe: one per camera thread. */
public interface ImageEncoder extends AutoCloseable {
  /** The encoded image. */
  byte[] encode(BufferedImage image) throws IOException;

  /** Short name for tables and logs. */
  String name();

  @Override
  void close();

  /**
   * The default JPEG encoder, FFmpeg's mjpeg ({@link FfmpegJpegEncoder}), chosen by
   * measurement (vtest.avi frames at 224x224, quality 80, one thread, thread CPU time, median
   * of 7-11 interleaved runs, on the shared 2-core build machine). The two are close: FFmpeg
   * was faster in two of three sessions (about 2,320 vs 1,960 frames/s, twice) and slower in
   * one (2,230 vs 2,460); it is the steadier of the two (javax.imageio's runs spread from 1,700
   * to 2,470) and its frames are about 17% smaller at a slightly higher PSNR (9.3 KB, 34.8 dB
   * vs 11.2 KB, 34.3 dB). {@code vibstream bench camera} repeats the comparison.
   */
  static ImageEncoder defaultJpeg(int quality) {
    return new FfmpegJpegEncoder(quality);
  }

  /** {@code ffmpeg} or {@code imageio}. */
  static ImageEncoder jpeg(String name, int quality) {
    return switch (name) {
      case "ffmpeg" -> new FfmpegJpegEncoder(quality);
      case "imageio" -> new ImageIoJpegEncoder(quality);
      default -> throw new IllegalArgumentException("unknown JPEG encoder '" + name + "' (ffmpeg or imageio)");
    };
  }

  /** {@code image} as TYPE_3BYTE_BGR: itself when it already is one, else a converted copy. */
  static BufferedImage bgr(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      return image;
    }
    BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    java.awt.Graphics2D g = copy.createGraphics();
    try {
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return copy;
  }
}
