package io.vibstream.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A video data set in a folder-per-class layout: {@code DIR/train/LABEL/**} and
 * {@code DIR/test/LABEL/**} when {@code DIR/train} exists, else {@code DIR/LABEL/**} with every
 * fifth clip of each class (in path order) in the test split. Video files are found by extension
 * (avi, mp4, mkv, webm, mov, mpg, mpeg, m4v, flv); labels are the class folder names, sorted.
 * A stand-in until the connectors' data set readers are merged.
 */
final class VideoFolders {
  private static final Set<String> EXTENSIONS = Set.of("avi", "mp4", "mkv", "webm", "mov", "mpg", "mpeg", "m4v", "flv");

  private VideoFolders() {}

  /**
   * Scans {@code dir}.
   *
   * @throws IllegalArgumentException if it is not a directory or holds no class folder with videos
   */
  static BackboneData.Dataset open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + ": no such directory");
    }
    List<BackboneData.Clip> clips = new ArrayList<>();
    List<String> labels;
    if (Files.isDirectory(dir.resolve("train"))) {
      labels = classFolders(dir.resolve("train"));
      for (String label : labels) {
        videos(dir.resolve("train").resolve(label)).forEach(p -> clips.add(new BackboneData.Clip(p, label, "train")));
        Path test = dir.resolve("test").resolve(label);
        if (Files.isDirectory(test)) {
          videos(test).forEach(p -> clips.add(new BackboneData.Clip(p, label, "test")));
        }
      }
    } else {
      labels = classFolders(dir);
      for (String label : labels) {
        List<Path> files = videos(dir.resolve(label));
        for (int i = 0; i < files.size(); i++) {
          clips.add(new BackboneData.Clip(files.get(i), label, i % 5 == 4 ? "test" : "train"));
        }
      }
    }
    if (clips.isEmpty()) {
      throw new IllegalArgumentException(dir + ": no video files in class folders (expected DIR/LABEL/*.mp4 or "
          + "DIR/train/LABEL/*.mp4)");
    }
    return new BackboneData.Dataset(labels, clips);
  }

  private static List<String> classFolders(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(name -> !name.startsWith(".")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
    }
  }

  private static List<Path> videos(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(p -> {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
      }).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
    }
  }
}
