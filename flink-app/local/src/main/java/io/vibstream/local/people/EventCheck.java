package io.vibstream.local.people;

import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PoseJoints;
import io.vibstream.model.runtime.LstmStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks {@code recognize}'s per-person events against each track's own box motion. Each event
 * line ({@code track=T frames=A..B label=L ...}) is matched to its track's frames A..B in a
 * {@link Tracks}; its motion is the box center's net displacement from A to B in mean box heights
 * per second, which classes it as moving, standing or between. A matched window of the model's
 * clip length is also scored again offline: as is, with the motion features zeroed, with them
 * replaced by the window's net velocity, and with the joints smoothed over 3 frames (what the
 * motion input and the joints' jitter do to the label).
 */
public final class EventCheck {
  private static final Pattern EVENT = Pattern.compile(
      "track=(\\d+) frames=(\\d+)\\.\\.(\\d+) label=(\\S+) confidence=([0-9.]+) unsure=(true|false)");
  /** How an event's window is rescored offline: as the job saw it, then three diagnoses. */
  private static final String[] VARIANTS = {"as is", "motion zeroed", "net motion", "joints smoothed 3 frames"};
  /** The columns of {@link Result#csv}. */
  public static final String CSV_HEADER = "track,first,last,label,confidence,unsure,seen,mean_h_px,speed_hps,"
      + "mean_abs_v_feature,class,offline,offline_no_motion,offline_net_motion,offline_smoothed_joints\n";

  private EventCheck() {}

  /**
   * @param table per motion class (also "C (unsure)" and "C [offline, VARIANT]"), events per label
   * @param unmatched events whose frames the pass's track was not seen in
   * @param rescored events scored again offline
   * @param agree rescored events whose offline label is the job's
   * @param csv one row per event, with {@link #CSV_HEADER}
   */
  public record Result(Map<String, Map<String, Integer>> table, int unmatched, int rescored, int agree, String csv) {}

  /** Checks the event lines of {@code log} (other lines are skipped) against {@code tracks}. */
  public static Result run(Tracks tracks, ModelArtifact artifact, List<String> log, double moving, double standing) {
    List<String> labels = artifact.manifest().labels();
    LstmStream lstm = new LstmStream(artifact.model());
    Map<String, Map<String, Integer>> table = new TreeMap<>();
    int unmatched = 0;
    int agree = 0;
    int rescored = 0;
    StringBuilder csv = new StringBuilder(CSV_HEADER);
    for (String line : log) {
      Matcher m = EVENT.matcher(line);
      if (!m.find()) {
        continue;
      }
      long track = Long.parseLong(m.group(1));
      long a = Long.parseLong(m.group(2));
      long b = Long.parseLong(m.group(3));
      String label = m.group(4);
      boolean unsure = Boolean.parseBoolean(m.group(6));
      List<Tracks.Seen> w = new ArrayList<>();
      for (Tracks.Seen s : tracks.byTrack().getOrDefault(track, List.of())) {
        if (s.frame() >= a && s.frame() <= b) {
          w.add(s);
        }
      }
      String cls;
      double speed = Double.NaN;
      double meanH = Double.NaN;
      double meanV = Double.NaN;
      String[] offline = {"", "", "", ""};
      if (w.size() < 2 || w.get(0).frame() != a || w.get(w.size() - 1).frame() != b) {
        cls = "unmatched";
        unmatched++;
      } else {
        PersonBox first = w.get(0).box();
        PersonBox last = w.get(w.size() - 1).box();
        meanH = w.stream().mapToDouble(s -> s.box().height()).average().orElseThrow();
        double dt = (w.get(w.size() - 1).timestampMs() - w.get(0).timestampMs()) / 1000.0;
        double vx = (last.centerX() - first.centerX()) / (meanH * dt);
        double vy = (last.centerY() - first.centerY()) / (meanH * dt);
        speed = Math.hypot(vx, vy);
        int d = 3 * PoseJoints.COUNT;
        meanV = w.stream().skip(1).mapToDouble(s -> Math.hypot(s.features()[d], s.features()[d + 1])).average()
            .orElse(0);
        cls = speed >= moving ? "moving" : speed <= standing ? "standing" : "between";
        if (w.size() == artifact.manifest().clipLength()) {
          for (int variant = 0; variant < VARIANTS.length; variant++) {
            lstm.reset();
            for (int t = 0; t < w.size(); t++) {
              float[] f = variant == 3 ? smoothedJoints(w, t) : w.get(t).features().clone();
              if (variant == 1 || variant == 2) {
                f[d] = variant == 1 ? 0f : (float) vx;
                f[d + 1] = variant == 1 ? 0f : (float) vy;
              }
              lstm.step(f);
            }
            offline[variant] = labels.get(argmax(lstm.logits()));
          }
          rescored++;
          agree += offline[0].equals(label) ? 1 : 0;
        }
      }
      table.computeIfAbsent(cls, k -> new TreeMap<>()).merge(label, 1, Integer::sum);
      if (unsure) {
        table.computeIfAbsent(cls + " (unsure)", k -> new TreeMap<>()).merge(label, 1, Integer::sum);
      }
      for (int v = 0; v < VARIANTS.length; v++) {
        if (!offline[v].isEmpty()) {
          table.computeIfAbsent(cls + " [offline, " + VARIANTS[v] + "]", k -> new TreeMap<>())
              .merge(offline[v], 1, Integer::sum);
        }
      }
      csv.append(String.format(Locale.ROOT, "%d,%d,%d,%s,%s,%s,%d,%.1f,%.3f,%.3f,%s,%s,%s,%s,%s%n", track, a, b,
          label, m.group(5), unsure, w.size(), meanH, speed, meanV, cls, offline[0], offline[1], offline[2],
          offline[3]));
    }
    return new Result(table, unmatched, rescored, agree, csv.toString());
  }

  /**
   * Frame {@code t}'s features with each joint's centered coordinates averaged over frames t-1..t+1
   * of the window where the joint was used (non-zero); visibilities and motion unchanged.
   */
  private static float[] smoothedJoints(List<Tracks.Seen> w, int t) {
    float[] f = w.get(t).features().clone();
    for (int j = 0; j < PoseJoints.COUNT; j++) {
      double x = 0;
      double y = 0;
      int n = 0;
      for (int k = Math.max(0, t - 1); k <= Math.min(w.size() - 1, t + 1); k++) {
        float[] g = w.get(k).features();
        if (g[2 * j] != 0 || g[2 * j + 1] != 0) {
          x += g[2 * j];
          y += g[2 * j + 1];
          n++;
        }
      }
      if (n > 0 && (f[2 * j] != 0 || f[2 * j + 1] != 0)) {
        f[2 * j] = (float) (x / n);
        f[2 * j + 1] = (float) (y / n);
      }
    }
    return f;
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      best = v[i] > v[best] ? i : best;
    }
    return best;
  }
}
