package io.vibstream.local.bench;

import io.vibstream.connectors.camera.CameraSettings;
import io.vibstream.connectors.camera.CameraSource;
import io.vibstream.connectors.video.VideoFrame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A recorded clip decoded beforehand, for cameras that replay it ({@link ReplaySource}). */
public final class RecordedFrames {
  private RecordedFrames() {}

  /** The clip's first {@code n} frames, decoded (fewer if it is shorter). */
  public static List<VideoFrame> read(Path clip, int n) throws Exception {
    if (!Files.isRegularFile(clip)) {
      throw new IllegalArgumentException(clip + " not found: run bin/setup (it fetches .media/vtest.avi)");
    }
    List<VideoFrame> out = new ArrayList<>();
    try (CameraSource source = CameraSource.open(clip.toString(), CameraSettings.defaults())) {
      VideoFrame f;
      while (out.size() < n && (f = source.next()) != null) {
        out.add(f);
      }
    }
    return out;
  }
}
