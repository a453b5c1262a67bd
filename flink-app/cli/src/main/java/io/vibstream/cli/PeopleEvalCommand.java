package io.vibstream.cli;

import io.vibstream.connectors.synth.EstimatorNoise;
import io.vibstream.connectors.synth.SurveillanceMotion;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.model.pose.PoseJoints;
import io.vibstream.model.pose.SkeletonProportions;
import io.vibstream.model.runtime.LstmStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vibstream eval-people}: checks {@code recognize}'s per-person events on a video against
 * each track's own box motion, and measures the real estimator's noise against the synthetic
 * training noise ({@link EstimatorNoise#DEFAULT}).
 *
 * <p>The video runs through {@code label --list-tracks}'s pass (the job's estimator, tracker
 * settings and per-person features, JPEG round trip; {@link LabelCommand#track()}), so track ids
 * are recognize's. Each event line of a recognize log ({@code track=T frames=A..B label=L ...}) is
 * matched to its track's frames A..B; its motion is the box centre's net displacement from A to B
 * in mean box heights per second. The event's 32 feature vectors are also scored again with the
 * model as they are, with the motion features zeroed, with them replaced by the window's net
 * velocity, and with the joints smoothed over 3 frames (diagnoses of what the motion input and
 * the joints' jitter do).
 *
 * <p>Noise: per joint, the residual of each coordinate after subtracting the centred 5-frame
 * moving average of the track (joints visible in all 5 frames), over the box height, RMS; the same
 * for the box centre and height; the share of joints below visibility 0.5. The same numbers are
 * computed on synthetic walk and idle clips with DEFAULT noise and without noise, so the real
 * values are compared with what training saw under the same measurement (and the motion of
 * synthetic walk, idle and run clips is printed for comparison).
 *
 * <p>Proportions ({@link SkeletonProportions}, {@code proportions.csv}): where the real estimator
 * puts each joint relative to the pelvis, against synthetic walk, idle and run clips, which shows
 * landmark placement the synthetic skeletons get wrong.
 */
@Command(name = "eval-people", mixinStandardHelpOptions = true, description = {
    "Evaluate recognize's per-person events on a video against each track's box motion (moving/standing), rescore "
        + "the windows with the model, and measure the pose estimator's jitter and visibility against synthetic "
        + "clips with EstimatorNoise.DEFAULT."})
final class PeopleEvalCommand implements Callable<Integer> {
  private static final Pattern EVENT = Pattern.compile(
      "track=(\\d+) frames=(\\d+)\\.\\.(\\d+) label=(\\S+) confidence=([0-9.]+) unsure=(true|false)");
  private static final String[] GROUPS = {"torso", "head", "legs", "arms", "box_centre", "box_height"};
  /** How an event's window is rescored offline: as the job saw it, then three diagnoses. */
  private static final String[] VARIANTS = {"as is", "motion zeroed", "net motion", "joints smoothed 3 frames"};
  private static final int[] GROUP_OF_JOINT = {0, 0, 1, 0, 3, 3, 0, 3, 3, 0, 2, 2, 2, 0, 2, 2, 2};

  @Spec
  CommandSpec spec;

  @Option(names = "--video", required = true, paramLabel = "FILE", description = "the video recognize ran on")
  Path video;

  @Option(names = "--events", required = true, paramLabel = "LOG", description = "recognize's output (event lines)")
  Path events;

  @Option(names = "--model", paramLabel = "FILE.vib", description = "default: models/people/model.vib")
  Path model;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "writes events.csv, noise.csv and proportions.csv")
  Path out;

  @Option(names = "--moving", description = "moving at >= this speed, box heights/s (default: ${DEFAULT-VALUE})")
  double moving = 0.25;

  @Option(names = "--standing", description = "standing at <= this speed, box heights/s (default: ${DEFAULT-VALUE})")
  double standing = 0.05;

  @Option(names = "--far", description = "far persons: box height below this, px (default: ${DEFAULT-VALUE})")
  double far = 80;

  @Option(names = "--synthetic-clips", description = "synthetic walk, idle and run clips each (default: "
      + "${DEFAULT-VALUE})")
  int syntheticClips = 60;

  /** Sums of squares and counts per key. */
  private final Map<String, double[]> noise = new TreeMap<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    Files.createDirectories(out);
    Path modelFile = model != null ? model : PeopleInputs.installation().resolve(PeopleInputs.SHIPPED_MODEL);
    ModelArtifact artifact = ModelArtifacts.read(modelFile);
    List<String> labels = artifact.manifest().labels();
    LstmStream lstm = new LstmStream(artifact.model());

    long started = System.nanoTime();
    LabelCommand pass = new LabelCommand();
    pass.video = video;
    LabelCommand.Tracks tracks = pass.track();
    o.printf(Locale.ROOT, "pass: %d tracks over frames %d..%d (%.1f s)%n", tracks.byTrack().size(), tracks.first(),
        tracks.last(), (System.nanoTime() - started) / 1e9);

    // Events against motion.
    Map<String, Map<String, Integer>> table = new TreeMap<>();
    int unmatched = 0;
    int agree = 0;
    int rescored = 0;
    StringBuilder csv = new StringBuilder("track,first,last,label,confidence,unsure,seen,mean_h_px,speed_hps,"
        + "mean_abs_v_feature,class,offline,offline_no_motion,offline_net_motion,offline_smoothed_joints\n");
    for (String line : Files.readAllLines(events)) {
      Matcher m = EVENT.matcher(line);
      if (!m.find()) {
        continue;
      }
      long track = Long.parseLong(m.group(1));
      long a = Long.parseLong(m.group(2));
      long b = Long.parseLong(m.group(3));
      String label = m.group(4);
      boolean unsure = Boolean.parseBoolean(m.group(6));
      List<LabelCommand.Seen> w = new ArrayList<>();
      for (LabelCommand.Seen s : tracks.byTrack().getOrDefault(track, List.of())) {
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
    Files.writeString(out.resolve("events.csv"), csv);
    o.printf(Locale.ROOT, "events by motion class (moving >= %.2f h/s, standing <= %.2f h/s; net box-centre "
        + "displacement over the window):%n", moving, standing);
    for (Map.Entry<String, Map<String, Integer>> e : table.entrySet()) {
      int n = e.getValue().values().stream().mapToInt(Integer::intValue).sum();
      o.printf(Locale.ROOT, "  %-36s n=%-4d walk=%5.1f%%  %s%n", e.getKey(), n,
          100.0 * e.getValue().getOrDefault("walk", 0) / n, e.getValue());
    }
    o.printf(Locale.ROOT, "events not matched to the pass's track frames: %d; rescored %d, offline label = job's "
        + "label in %d%n", unmatched, rescored, agree);

    // Noise and proportions: real tracks.
    Map<String, SkeletonProportions> proportions = new LinkedHashMap<>();
    SkeletonProportions real = proportions.computeIfAbsent("real", k -> new SkeletonProportions());
    for (List<LabelCommand.Seen> seen : tracks.byTrack().values()) {
      List<PersonPose> poses = new ArrayList<>();
      List<Long> frames = new ArrayList<>();
      for (LabelCommand.Seen s : seen) {
        poses.add(s.pose());
        frames.add(s.frame());
        real.add(s.features());
      }
      measure("real", poses, frames);
    }
    // The same measurement on synthetic clips (10 fps, 32 frames), with the training noise and none.
    Map<String, double[]> synthMotion = new TreeMap<>(); // net speed, mean per-frame |motion feature|, clips
    for (String label : List.of("walk", "idle", "run")) {
      for (int i = 0; i < syntheticClips; i++) {
        for (EstimatorNoise n : List.of(EstimatorNoise.DEFAULT, EstimatorNoise.NONE)) {
          SurveillanceMotion.Clip clip = SurveillanceMotion.clip(label, false, 32, 10, 10, 1000L + i, 11, n);
          List<Long> frames = new ArrayList<>();
          for (long f = 0; f < clip.poses().size(); f++) {
            frames.add(f);
          }
          if (!label.equals("run")) {
            measure((n == EstimatorNoise.NONE ? "synth_none_" : "synth_default_") + label, clip.poses(), frames);
          }
          if (n == EstimatorNoise.DEFAULT) {
            for (float[] f : clip.features()) {
              proportions.computeIfAbsent("synthetic " + label, k -> new SkeletonProportions()).add(f);
            }
            double[] acc = synthMotion.computeIfAbsent(label, k -> new double[3]);
            List<PersonPose> p = clip.poses();
            PersonBox first = p.get(0).box();
            PersonBox last = p.get(p.size() - 1).box();
            double h = p.stream().mapToDouble(q -> q.box().height()).average().orElseThrow();
            acc[0] += Math.hypot(last.centerX() - first.centerX(), last.centerY() - first.centerY())
                / (h * (p.size() - 1) / 10.0);
            float[][] f = clip.features();
            int d = 3 * PoseJoints.COUNT;
            double v = 0;
            for (int t = 1; t < f.length; t++) {
              v += Math.hypot(f[t][d], f[t][d + 1]);
            }
            acc[1] += v / (f.length - 1);
            acc[2]++;
          }
        }
      }
    }
    for (Map.Entry<String, double[]> e : synthMotion.entrySet()) {
      double[] a = e.getValue();
      o.printf(Locale.ROOT, "synthetic %s (DEFAULT noise, %d clips at 10 fps): net speed %.3f h/s, mean per-frame "
          + "|motion feature| %.3f h/s%n", e.getKey(), (int) a[2], a[0] / a[2], a[1] / a[2]);
    }
    StringBuilder ncsv = new StringBuilder("source,size,quantity,n,value\n");
    o.println("noise (RMS residual after a centred 5-frame moving average, fraction of box height; "
        + "invisible share = joints below visibility 0.5):");
    for (Map.Entry<String, double[]> e : noise.entrySet()) {
      double[] s = e.getValue();
      double value = e.getKey().endsWith("invisible_share") ? s[0] / s[1] : Math.sqrt(s[0] / s[1]);
      String[] k = e.getKey().split("\\|");
      ncsv.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%.5f%n", k[0], k[1], k[2], (long) s[1], value));
      o.printf(Locale.ROOT, "  %-22s %-5s %-16s n=%-7d %.4f%n", k[0], k[1], k[2], (long) s[1], value);
    }
    Files.writeString(out.resolve("noise.csv"), ncsv);
    ProportionsTable.write(proportions, o, out.resolve("proportions.csv"));
    o.flush();
    return 0;
  }

  /** Adds one person's consecutive poses to the noise sums under {@code source}. */
  private void measure(String source, List<PersonPose> poses, List<Long> frames) {
    for (int i = 0; i < poses.size(); i++) {
      PersonPose p = poses.get(i);
      String size = p.box().height() < far ? "far" : "near";
      int hidden = 0;
      for (float v : p.visibility()) {
        hidden += v < PersonFeatures.VISIBLE ? 1 : 0;
      }
      for (String s : List.of(size, "all")) {
        add(source + "|" + s + "|invisible_share", hidden, PoseJoints.COUNT);
      }
      if (i < 2 || i + 2 >= poses.size() || frames.get(i + 2) - frames.get(i - 2) != 4) {
        continue;
      }
      double h = p.box().height();
      for (int j = 0; j < PoseJoints.COUNT; j++) {
        boolean all = true;
        double mx = 0;
        double my = 0;
        for (int k = i - 2; k <= i + 2; k++) {
          PersonPose q = poses.get(k);
          all &= q.visibility()[j] >= PersonFeatures.VISIBLE;
          mx += q.x()[j] / 5;
          my += q.y()[j] / 5;
        }
        if (all) {
          double rx = (p.x()[j] - mx) / h;
          double ry = (p.y()[j] - my) / h;
          addBoth(source, size, GROUPS[GROUP_OF_JOINT[j]], (rx * rx + ry * ry) / 2);
        }
      }
      double cx = 0;
      double cy = 0;
      double bh = 0;
      for (int k = i - 2; k <= i + 2; k++) {
        PersonBox b = poses.get(k).box();
        cx += b.centerX() / 5;
        cy += b.centerY() / 5;
        bh += b.height() / 5;
      }
      double rx = (p.box().centerX() - cx) / h;
      double ry = (p.box().centerY() - cy) / h;
      addBoth(source, size, "box_centre", (rx * rx + ry * ry) / 2);
      double rh = (p.box().height() - bh) / h;
      addBoth(source, size, "box_height", rh * rh);
    }
  }

  private void addBoth(String source, String size, String group, double square) {
    add(source + "|" + size + "|" + group, square, 1);
    add(source + "|all|" + group, square, 1);
  }

  private void add(String key, double sum, double n) {
    double[] s = noise.computeIfAbsent(key, k -> new double[2]);
    s[0] += sum;
    s[1] += n;
  }

  /**
   * Frame {@code t}'s features with each joint's centred coordinates averaged over frames t-1..t+1
   * of the window where the joint was used (non-zero); visibilities and motion unchanged.
   */
  private static float[] smoothedJoints(List<LabelCommand.Seen> w, int t) {
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
