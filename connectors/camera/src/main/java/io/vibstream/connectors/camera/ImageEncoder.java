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
   * The default JPEG encoder, FFmpeg's mjpeg ({@link FfmpegJpegEncoder}). Measured on the
   * 2-core build machine (vtest.avi frames at 224x224, quality 80, one thread, medians of
   * interleaved rounds, {@code vibstream bench camera}), the two encoders are a tie on speed:
   * with the machine quiet, javax.imageio took 0.41 ms of thread CPU time per frame and FFmpeg
   * 0.43 ms (about 2,420 vs 2,320 frames/s), in wall time the order flipped between runs
   * (2,250-2,370 vs 2,310-2,330 frames/s), and under heavy load FFmpeg was ahead (2,320 vs
   * 1,960); decode + scale + encode ran at the same 980-1,020 frames/s with either. With
   * speed equal within 5%, the default is chosen on size: FFmpeg's frames are 17% smaller
   * (9.3 KB vs 11.2 KB) at a slightly higher PSNR (34.8 vs 34.3 dB), and it allocates little on
   * the Java heap. Use {@code jpeg("imageio", q)} for pure Java.
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
