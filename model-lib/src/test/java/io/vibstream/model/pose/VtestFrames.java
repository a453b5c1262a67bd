package io.vibstream.model.pose;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/** Decodes frames of the real clip .media/vtest.avi (768x576, 10 fps) that bin/setup fetches. */
final class VtestFrames {
  private VtestFrames() {}

  static Path clip() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("bin/setup"))) {
        Path clip = d.resolve(".media/vtest.avi");
        if (!Files.isRegularFile(clip)) {
          throw new IllegalStateException(clip + " not found: run bin/setup");
        }
        return clip;
      }
    }
    throw new IllegalStateException("repository root (with bin/setup) not found above " + Path.of("").toAbsolutePath());
  }

  /** Frames 0 to {@code last} (inclusive) as camera {@code cameraId}. */
  static List<PoseFrame> read(String cameraId, int last) throws Exception {
    return read(cameraId, 0, last);
  }

  /** Frames {@code first} to {@code last} (inclusive, numbered as in the clip) as camera {@code cameraId}. */
  static List<PoseFrame> read(String cameraId, int first, int last) throws Exception {
    List<PoseFrame> frames = new ArrayList<>();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(clip().toFile())) {
      grabber.setPixelFormat(AV_PIX_FMT_BGR24);
      grabber.start();
      for (int i = 0; i <= last; i++) {
        Frame f = grabber.grabImage();
        if (f == null) {
          break;
        }
        if (i < first) {
          continue;
        }
        int w = f.imageWidth;
        int h = f.imageHeight;
        int stride = f.imageStride;
        ByteBuffer buf = (ByteBuffer) f.image[0];
        byte[] bgr = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
          buf.position(y * stride);
          buf.get(bgr, y * w * 3, w * 3);
        }
        frames.add(new PoseFrame(cameraId, i, i * 100L, w, h, bgr));
      }
    }
    return frames;
  }
}
