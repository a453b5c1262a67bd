package io.vibstream.connectors.camera;

import io.vibstream.connectors.video.VideoSource;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Test media: the real vtest.avi clip (prepared by bin/fetch-media) and small generated videos. */
final class TestMedia {
  static final int VTEST_FRAMES = 795;

  private TestMedia() {}

  /** vtest.avi; fails (does not skip) when missing, because CI prepares it. */
  static Path vtest() {
    List<Path> candidates = new ArrayList<>();
    String dir = System.getProperty("vibstream.media.dir");
    if (dir != null) {
      candidates.add(Path.of(dir, "vtest.avi"));
    }
    candidates.add(Path.of("../../.media/vtest.avi"));
    candidates.add(Path.of(".media/vtest.avi"));
    candidates.add(Path.of("target/media/vtest.avi"));
    candidates.add(Path.of("/usr/share/doc/opencv-doc/examples/data/vtest.avi"));
    for (Path p : candidates) {
      if (Files.isRegularFile(p)) {
        return p.toAbsolutePath().normalize();
      }
    }
    throw new AssertionError("vtest.avi not found (looked in " + candidates
        + "); run bin/fetch-media at the repository root (CI does it via bin/setup)");
  }

  /** A synthetic frame: a moving square and the frame number. */
  static BufferedImage pattern(int w, int h, int i) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(40, 60 + (i * 7) % 150, 90));
    g.fillRect(0, 0, w, h);
    g.setColor(Color.YELLOW);
    int s = Math.max(4, h / 4);
    g.fillRect((i * 3) % Math.max(1, w - s), h / 3, s, s);
    g.setColor(Color.WHITE);
    g.setFont(new Font(Font.MONOSPACED, Font.BOLD, Math.max(8, h / 6)));
    g.drawString(Integer.toString(i), 2, h - 4);
    g.dispose();
    return img;
  }

  /** Writes an MJPEG AVI of {@code frames} pattern frames at 10 fps. */
  static void writeMjpegAvi(Path file, int w, int h, int frames) throws Exception {
    writeMjpegAvi(file, w, h, frames, 10);
  }

  /** Writes an MJPEG AVI of {@code frames} pattern frames at {@code fps}. */
  static void writeMjpegAvi(Path file, int w, int h, int frames, int fps) throws Exception {
    try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toString(), w, h);
        Java2DFrameConverter c = new Java2DFrameConverter()) {
      r.setFormat("avi");
      r.setVideoCodec(avcodec.AV_CODEC_ID_MJPEG);
      r.setPixelFormat(avutil.AV_PIX_FMT_YUVJ420P);
      r.setFrameRate(fps);
      r.start();
      for (int i = 0; i < frames; i++) {
        r.record(c.convert(pattern(w, h, i)));
      }
      r.stop();
    }
  }

  /** Offsets of JPEG start-of-image markers (FF D8 FF) in a file. */
  static List<Integer> jpegStarts(byte[] b) {
    List<Integer> soi = new ArrayList<>();
    for (int i = 0; i + 2 < b.length; i++) {
      if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0xD8 && (b[i + 2] & 0xff) == 0xFF) {
        soi.add(i);
      }
    }
    return soi;
  }

  /** Reads a source to its end; returns the frame count. */
  static int drain(VideoSource source) throws Exception {
    int n = 0;
    while (source.next() != null) {
      n++;
    }
    return n;
  }
}
