package io.vibstream.connectors.datasets;

import io.vibstream.connectors.video.VideoClip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Shared helpers of the data set readers: directory checks, video names, UCF-style split lists. */
final class Layouts {
  static final Set<String> VIDEO_EXTENSIONS = Set.of("avi", "mpg", "mpeg", "mp4", "mkv", "webm", "mov", "m4v");
  private static final Pattern UCF_GROUP = Pattern.compile("_g(\\d+)_c\\d+\\.[^.]+$", Pattern.CASE_INSENSITIVE);

  private Layouts() {}

  static Path requireDir(Path dir, String what) throws NoSuchFileException {
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "no such " + what + " directory");
    }
    return dir;
  }

  static Path requireFile(Path file, String what) throws NoSuchFileException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such " + what);
    }
    return file;
  }

  static boolean isVideo(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && VIDEO_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))
        && Files.isRegularFile(p);
  }

  /** Sorted subdirectories, hidden ones left out. */
  static List<Path> subdirs(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
  }

  /** Sorted video files directly inside {@code dir}. */
  static List<Path> videos(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Layouts::isVideo).sorted().toList();
    }
  }

  /** The group of a UCF-style name {@code ..._gNN_cNN.avi} as {@code gNN}, or null. */
  static String ucfGroup(String fileName) {
    Matcher m = UCF_GROUP.matcher(fileName);
    return m.find() ? String.format("g%02d", Integer.parseInt(m.group(1))) : null;
  }

  /** Reads {@code classInd.txt} ("1 walk" lines) into labels in index order. */
  static List<String> classIndex(Path file) throws IOException {
    requireFile(file, "class index (classInd.txt)");
    List<String> labels = new ArrayList<>();
    int n = 0;
    for (String raw : Files.readAllLines(file)) {
      n++;
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length != 2 || !parts[0].matches("\\d+") || Integer.parseInt(parts[0]) != labels.size() + 1) {
        throw new IOException(file + ":" + n + ": expected '" + (labels.size() + 1) + " <class>', got '" + line + "'");
      }
      labels.add(parts[1]);
    }
    if (labels.isEmpty()) {
      throw new IOException(file + ": no classes");
    }
    return labels;
  }

  /**
   * Reads a UCF101-style split list ("Class/file.avi [label]" lines) into clips. Class folders and
   * file names are matched case-insensitively when the exact path is missing (UCF101 spells
   * HandstandPushups two ways).
   */
  static void splitList(Path list, Path videoRoot, List<String> labels, String split, List<VideoClip> out)
      throws IOException {
    requireFile(list, split + " list");
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      index.put(labels.get(i).toLowerCase(Locale.ROOT), i);
    }
    Map<Path, Map<String, Path>> listings = new HashMap<>();
    String firstMissing = null;
    int missing = 0;
    int n = 0;
    for (String raw : Files.readAllLines(list)) {
      n++;
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\\s+");
      String entry = parts[0].replace('\\', '/');
      int slash = entry.indexOf('/');
      if (parts.length > 2 || slash <= 0 || slash == entry.length() - 1) {
        throw new IOException(list + ":" + n + ": expected 'Class/file.avi [label]', got '" + line + "'");
      }
      String cls = entry.substring(0, slash);
      Integer label = index.get(cls.toLowerCase(Locale.ROOT));
      if (label == null) {
        throw new IOException(list + ":" + n + ": unknown class '" + cls + "' (not in classInd.txt)");
      }
      if (parts.length == 2 && !parts[1].equals(String.valueOf(label + 1))) {
        throw new IOException(list + ":" + n + ": label " + parts[1] + " but class '" + cls + "' is "
            + (label + 1) + " in classInd.txt");
      }
      Path file = resolve(videoRoot, entry, listings);
      if (file == null) {
        if (missing++ == 0) {
          firstMissing = list.getFileName() + ":" + n + " names " + entry;
        }
        continue;
      }
      out.add(new VideoClip(file, labels.get(label), split, ucfGroup(file.getFileName().toString())));
    }
    if (missing > 0) {
      throw new NoSuchFileException(videoRoot.toString(), null, firstMissing + ", which is missing"
          + (missing > 1 ? " (and " + (missing - 1) + " more entries of " + list.getFileName() + ")" : ""));
    }
  }

  private static Path resolve(Path root, String entry, Map<Path, Map<String, Path>> listings) throws IOException {
    Path exact = root.resolve(entry);
    if (Files.isRegularFile(exact)) {
      return exact;
    }
    Path dir = root;
    String[] parts = entry.split("/");
    for (int i = 0; i < parts.length; i++) {
      Map<String, Path> listing = listings.get(dir);
      if (listing == null) {
        listing = new HashMap<>();
        if (Files.isDirectory(dir)) {
          try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
              listing.putIfAbsent(p.getFileName().toString().toLowerCase(Locale.ROOT), p);
            }
          }
        }
        listings.put(dir, listing);
      }
      Path next = listing.get(parts[i].toLowerCase(Locale.ROOT));
      if (next == null) {
        return null;
      }
      dir = next;
    }
    return Files.isRegularFile(dir) ? dir : null;
  }
}
