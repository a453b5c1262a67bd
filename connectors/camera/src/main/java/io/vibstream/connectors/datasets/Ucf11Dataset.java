package io.vibstream.connectors.datasets;

import io.vibstream.connectors.video.VideoClip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * UCF11 (UCF YouTube Action): {@code <class>/v_<action>_<gg>/v_<action>_<gg>_<cc>.avi} (or .mpg
 * in UCF11_updated_mpg; Annotation folders are skipped). UCF11 has no official split; as in the
 * VIB-LSTM paper this makes a 60:40 train/test split stratified by class, deterministic for a
 * seed, that puts whole groups (actor/scene) on one side: within each class the groups are
 * shuffled and taken into the test set while that brings it closer to 40% of the class's clips.
 * A class with a single group is split by clip. The group of a clip is {@code gNN}.
 */
public final class Ucf11Dataset extends ListedDataset {
  private static final Pattern GROUP_DIR = Pattern.compile("_(\\d+)$");
  private static final Pattern GROUP_FILE = Pattern.compile("_(\\d+)_(\\d+)\\.[^.]+$");

  /** Reads the data set under {@code root} with the default 40% test split and seed 0. */
  public Ucf11Dataset(Path root) throws IOException {
    this(root, 0.4, 0);
  }

  /**
   * Reads the data set under {@code root} (the class folders, or a folder holding UCF11_updated_mpg).
   *
   * @param testFraction share of each class's clips to put in the test split, in (0, 1)
   * @param seed seed of the group shuffle
   * @throws IOException a one-line message naming the missing or empty folder
   */
  public Ucf11Dataset(Path root, double testFraction, long seed) throws IOException {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
    }
    Layouts.requireDir(root, "UCF11");
    for (String inner : new String[] {"UCF11_updated_mpg", "action_youtube_naudio", "UCF11"}) {
      if (Files.isDirectory(root.resolve(inner))) {
        root = root.resolve(inner);
        break;
      }
    }
    List<String> names = new ArrayList<>();
    List<VideoClip> all = new ArrayList<>();
    for (Path classDir : Layouts.subdirs(root)) {
      String label = classDir.getFileName().toString();
      Map<String, List<Path>> groups = new LinkedHashMap<>();
      List<Path> loose = new ArrayList<>();
      for (Path video : Layouts.videos(classDir)) {
        Matcher m = GROUP_FILE.matcher(video.getFileName().toString());
        if (m.find()) {
          groups.computeIfAbsent(group(m.group(1)), k -> new ArrayList<>()).add(video);
        } else {
          loose.add(video);
        }
      }
      for (Path groupDir : Layouts.subdirs(classDir)) {
        String dirName = groupDir.getFileName().toString();
        if (dirName.toLowerCase(Locale.ROOT).startsWith("annotation")) {
          continue;
        }
        Matcher m = GROUP_DIR.matcher(dirName);
        String group = m.find() ? group(m.group(1)) : dirName;
        List<Path> videos = Layouts.videos(groupDir);
        if (!videos.isEmpty()) {
          groups.computeIfAbsent(group, k -> new ArrayList<>()).addAll(videos);
        }
      }
      if (groups.isEmpty() && loose.isEmpty()) {
        continue;
      }
      names.add(label);
      split(label, groups, loose, testFraction, seed, all);
    }
    if (names.isEmpty()) {
      throw new IOException(root + ": no UCF11 class folders with videos (expected <class>/v_<action>_<gg>/*.avi)");
    }
    listed(names, all);
  }

  private static String group(String digits) {
    return String.format("g%02d", Integer.parseInt(digits));
  }

  private static void split(String label, Map<String, List<Path>> groups, List<Path> loose, double fraction,
      long seed, List<VideoClip> out) {
    Random random = new Random(seed * 1_000_003L + label.hashCode());
    int from = out.size();
    int total = loose.size();
    for (List<Path> g : groups.values()) {
      total += g.size();
    }
    double target = fraction * total;
    Set<String> testGroups = new HashSet<>();
    List<String> keys = new ArrayList<>(groups.keySet());
    Collections.sort(keys);
    if (keys.size() >= 2) {
      Collections.shuffle(keys, random);
      // Subset sum over the shuffled groups: the test set closest to the target, both sides non-empty.
      int grouped = total - loose.size();
      int[] via = new int[grouped + 1];
      java.util.Arrays.fill(via, -1);
      via[0] = -2;
      for (int i = 0; i < keys.size(); i++) {
        int size = groups.get(keys.get(i)).size();
        for (int sum = grouped; sum >= size; sum--) {
          if (via[sum] == -1 && via[sum - size] != -1) {
            via[sum] = i;
          }
        }
      }
      int best = -1;
      for (int sum = 1; sum < grouped; sum++) {
        if (via[sum] >= 0 && (best < 0 || Math.abs(sum - target) < Math.abs(best - target))) {
          best = sum;
        }
      }
      for (int sum = best; sum > 0; sum -= groups.get(keys.get(via[sum])).size()) {
        testGroups.add(keys.get(via[sum]));
      }
      for (String k : keys) {
        for (Path p : groups.get(k)) {
          out.add(new VideoClip(p, label, testGroups.contains(k) ? "test" : "train", k));
        }
      }
      for (Path p : loose) {
        out.add(new VideoClip(p, label, "train", null));
      }
    } else {
      // One group (or none): split the clips themselves.
      List<Path> videos = new ArrayList<>(loose);
      String only = keys.isEmpty() ? null : keys.get(0);
      if (only != null) {
        videos.addAll(groups.get(only));
      }
      Collections.sort(videos);
      Collections.shuffle(videos, random);
      int test = videos.size() < 2 ? 0 : Math.max(1, (int) Math.round(fraction * videos.size()));
      for (int i = 0; i < videos.size(); i++) {
        Path p = videos.get(i);
        String g = only != null && groups.get(only).contains(p) ? only : null;
        out.add(new VideoClip(p, label, i < test ? "test" : "train", g));
      }
    }
    out.subList(from, out.size()).sort((a, b) -> a.path().compareTo(b.path()));
  }
}
