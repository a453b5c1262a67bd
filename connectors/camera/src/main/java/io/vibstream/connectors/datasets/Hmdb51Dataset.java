package io.vibstream.connectors.datasets;

import io.vibstream.connectors.video.VideoClip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * HMDB51 with one of its three official splits: videos {@code <class>/<name>.avi} and the split
 * files {@code <class>_test_split<N>.txt} (lines "name.avi 1|2|0": 1 train, 2 test, 0 unused),
 * found anywhere up to three levels under the root (e.g. {@code testTrainMulti_7030_splits/}).
 * Labels are the class names in alphabetical order; HMDB51 has no groups.
 */
public final class Hmdb51Dataset extends ListedDataset {

  /**
   * Reads the data set under {@code root} with split {@code split} (1-3).
   *
   * @throws IOException a one-line message naming the missing folder or split file, or the bad line
   */
  public Hmdb51Dataset(Path root, int split) throws IOException {
    if (split < 1 || split > 3) {
      throw new IllegalArgumentException("HMDB51 split must be 1, 2 or 3, got " + split);
    }
    Layouts.requireDir(root, "HMDB51");
    String suffix = "_test_split" + split + ".txt";
    TreeMap<String, Path> splitFiles = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root, 3)) {
      s.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p))
          .forEach(p -> splitFiles.putIfAbsent(
              p.getFileName().toString().substring(0, p.getFileName().toString().length() - suffix.length()), p));
    }
    if (splitFiles.isEmpty()) {
      throw new NoSuchFileException(root.toString(), null,
          "no HMDB51 split files <class>" + suffix + " under it (the official testTrainMulti_7030_splits)");
    }
    String first = splitFiles.firstKey();
    Path videos = findVideoRoot(root, first);
    if (videos == null) {
      throw new NoSuchFileException(root.resolve(first).toString(), null,
          "no video folder for class '" + first + "' named by " + splitFiles.get(first).getFileName());
    }
    List<VideoClip> all = new ArrayList<>();
    for (var e : splitFiles.entrySet()) {
      String label = e.getKey();
      Path list = e.getValue();
      Path classDir = videos.resolve(label);
      if (!Files.isDirectory(classDir)) {
        throw new NoSuchFileException(classDir.toString(), null,
            "no video folder for class '" + label + "' named by " + list.getFileName());
      }
      int n = 0;
      int missing = 0;
      String firstMissing = null;
      for (String raw : Files.readAllLines(list)) {
        n++;
        String line = raw.strip();
        if (line.isEmpty()) {
          continue;
        }
        String[] parts = line.split("\\s+");
        if (parts.length != 2 || !parts[1].matches("[012]")) {
          throw new IOException(list + ":" + n + ": expected '<name>.avi 0|1|2', got '" + line + "'");
        }
        if (parts[1].equals("0")) {
          continue;
        }
        Path file = classDir.resolve(parts[0]);
        if (!Files.isRegularFile(file)) {
          if (missing++ == 0) {
            firstMissing = list.getFileName() + ":" + n + " names " + parts[0];
          }
          continue;
        }
        all.add(new VideoClip(file, label, parts[1].equals("1") ? "train" : "test", null));
      }
      if (missing > 0) {
        throw new NoSuchFileException(classDir.toString(), null, firstMissing + ", which is missing"
            + (missing > 1 ? " (and " + (missing - 1) + " more)" : ""));
      }
    }
    listed(List.copyOf(splitFiles.keySet()), all);
  }

  private static Path findVideoRoot(Path root, String cls) throws IOException {
    for (String inner : new String[] {"", "hmdb51_org", "hmdb51", "videos"}) {
      Path dir = inner.isEmpty() ? root : root.resolve(inner);
      if (Files.isDirectory(dir.resolve(cls))) {
        return dir;
      }
    }
    try (Stream<Path> s = Files.walk(root, 3)) {
      return s.filter(p -> p.getFileName().toString().equals(cls) && Files.isDirectory(p)).map(Path::getParent)
          .sorted().findFirst().orElse(null);
    }
  }
}
