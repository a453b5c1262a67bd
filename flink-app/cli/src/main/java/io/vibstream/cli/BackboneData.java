package io.vibstream.cli;

import io.vibstream.connectors.datasets.VideoDatasets;
import io.vibstream.connectors.video.VideoClip;
import io.vibstream.connectors.video.VideoDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Video data sets for the backbone commands: opening one and picking class-balanced clips. */
final class BackboneData {
  private BackboneData() {}

  /**
   * The labeled data set in {@code dir}: a layout {@link VideoDatasets} recognizes (synthetic,
   * UCF11, UCF101, HMDB51), or a spec such as {@code ucf101:DIR:2}.
   */
  static VideoDataset openDataset(String spec) {
    try {
      if (!spec.contains(":") && !Files.isDirectory(Path.of(spec))) {
        throw new IllegalArgumentException(spec + ": no such directory");
      }
      return spec.contains(":") ? VideoDatasets.open(spec) : VideoDatasets.open(Path.of(spec));
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /**
   * At most {@code max} clips of {@code split}, balanced over classes: the first clip of every
   * class, then the second of every class, and so on; in data set order within a class.
   */
  static List<VideoClip> select(VideoDataset dataset, String split, int max) {
    Map<String, List<VideoClip>> byLabel = new TreeMap<>();
    for (VideoClip clip : dataset.clips()) {
      if (clip.split().equals(split)) {
        byLabel.computeIfAbsent(clip.label(), k -> new ArrayList<>()).add(clip);
      }
    }
    List<VideoClip> out = new ArrayList<>();
    for (int round = 0; out.size() < max; round++) {
      boolean any = false;
      for (List<VideoClip> clips : byLabel.values()) {
        if (round < clips.size() && out.size() < max) {
          out.add(clips.get(round));
          any = true;
        }
      }
      if (!any) {
        break;
      }
    }
    return out;
  }
}
