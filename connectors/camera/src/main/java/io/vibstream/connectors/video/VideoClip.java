package io.vibstream.connectors.video;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A labeled video file of a data set.
 *
 * @param path the video file
 * @param label the action class
 * @param split {@code train} or {@code test}
 * @param group the actor/scene group where the data set has one (UCF), else null
 */
public record VideoClip(Path path, String label, String split, String group) {
  public VideoClip {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(label, "label");
    if (!"train".equals(split) && !"test".equals(split)) {
      throw new IllegalArgumentException("split must be train or test, got " + split);
    }
  }
}
