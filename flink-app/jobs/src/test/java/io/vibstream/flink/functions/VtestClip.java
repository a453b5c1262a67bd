package io.vibstream.flink.functions;

import io.vibstream.connectors.camera.CameraSettings;
import io.vibstream.connectors.camera.CameraSource;
import io.vibstream.connectors.video.VideoFrame;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real clip .media/vtest.avi (768x576, 10 fps, pedestrians) that bin/setup fetches. */
public final class VtestClip {
  private VtestClip() {}

  /** The clip under the repository root (the folder with bin/setup above the working directory). */
  public static Path path() {
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

  /** Frames {@code from} to {@code to} (inclusive), decoded; index i of the list is frame from + i. */
  public static List<BufferedImage> read(int from, int to) throws Exception {
    List<BufferedImage> out = new ArrayList<>();
    try (CameraSource source = CameraSource.open(path().toString(), CameraSettings.defaults())) {
      VideoFrame f;
      for (int i = 0; i <= to && (f = source.next()) != null; i++) {
        if (i >= from) {
          out.add(f.image());
        }
      }
    }
    return out;
  }
}
