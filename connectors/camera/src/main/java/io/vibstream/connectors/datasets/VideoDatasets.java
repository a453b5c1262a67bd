package io.vibstream.connectors.datasets;

import io.vibstream.connectors.video.VideoDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/** Opens a video data set by folder (layout detected) or by {@code kind:DIR[:split]} spec. */
public final class VideoDatasets {
  private VideoDatasets() {}

  /**
   * Opens {@code ucf11:DIR}, {@code ucf101:DIR[:split]}, {@code hmdb51:DIR[:split]} (split 1-3,
   * default 1), {@code synth:DIR}, or a plain folder whose layout is detected as by {@link #open(Path)}.
   *
   * @throws IllegalArgumentException for a malformed spec (bad split number)
   * @throws IOException a one-line message for missing folders, split files or entries
   */
  public static VideoDataset open(String spec) throws IOException {
    int colon = spec.indexOf(':');
    String kind = colon > 0 ? spec.substring(0, colon).toLowerCase(Locale.ROOT) : "";
    String rest = colon > 0 ? spec.substring(colon + 1) : spec;
    switch (kind) {
      case "ucf11":
        return new Ucf11Dataset(Path.of(rest));
      case "synth":
        return new SyntheticDataset(Path.of(rest));
      case "ucf101":
      case "hmdb51": {
        int split = 1;
        int last = rest.lastIndexOf(':');
        if (last > 0) {
          String tail = rest.substring(last + 1);
          if (!tail.matches("\\d+")) {
            throw new IllegalArgumentException("bad data set spec '" + spec + "': split must be 1, 2 or 3");
          }
          split = Integer.parseInt(tail);
          rest = rest.substring(0, last);
        }
        if (split < 1 || split > 3) {
          throw new IllegalArgumentException("bad data set spec '" + spec + "': split must be 1, 2 or 3");
        }
        return kind.equals("ucf101") ? new Ucf101Dataset(Path.of(rest), split) : new Hmdb51Dataset(Path.of(rest), split);
      }
      default:
        return open(Path.of(spec));
    }
  }

  /**
   * Opens the data set in {@code dir}, telling the layout by its files: UCF101 ({@code UCF-101/} or
   * {@code ucfTrainTestlist/}, split 1), synthetic ({@code classInd.txt} and {@code trainlist01.txt}
   * in the root), HMDB51 ({@code *_test_split1.txt} files), else UCF11 (class folders of videos,
   * split 60:40 by group).
   */
  public static VideoDataset open(Path dir) throws IOException {
    Layouts.requireDir(dir, "data set");
    if (Files.isDirectory(dir.resolve("UCF-101")) || Files.isDirectory(dir.resolve("ucfTrainTestlist"))) {
      return new Ucf101Dataset(dir, 1);
    }
    if (Files.isRegularFile(dir.resolve("classInd.txt")) && Files.isRegularFile(dir.resolve("trainlist01.txt"))) {
      return new SyntheticDataset(dir);
    }
    try (Stream<Path> s = Files.walk(dir, 3)) {
      if (s.anyMatch(p -> p.getFileName().toString().endsWith("_test_split1.txt"))) {
        return new Hmdb51Dataset(dir, 1);
      }
    }
    try {
      return new Ucf11Dataset(dir);
    } catch (IOException e) {
      throw new IOException(dir + ": cannot tell the data set layout (no UCF-101/, ucfTrainTestlist/, classInd.txt"
          + " + trainlist01.txt, *_test_split1.txt or class folders of videos); name it as ucf11:DIR,"
          + " ucf101:DIR[:split], hmdb51:DIR[:split] or synth:DIR");
    }
  }
}
