package io.vibstream.local.people;

import io.vibstream.connectors.synth.EstimatorNoise;
import io.vibstream.connectors.synth.SurveillanceMotion;
import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.model.pose.PoseJoints;
import io.vibstream.model.pose.SkeletonProportions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What training saw, for comparing a real video's people with it: synthetic walk, idle and run
 * clips (10 fps, 32 frames) measured as the real tracks are, with the training noise
 * ({@link EstimatorNoise#DEFAULT}) and without noise: their pose noise (walk and idle), skeleton
 * proportions and motion.
 */
public final class SyntheticReference {
  private static final List<String> LABELS = List.of("walk", "idle", "run");
  private static final int FPS = 10;

  private SyntheticReference() {}

  /**
   * A label's motion over its DEFAULT-noise clips: mean net speed of the box center (box
   * heights/s) and mean per-frame |motion feature| (box heights/s).
   */
  public record Motion(double speed, double motionFeature, int clips) {}

  /**
   * Measures {@code clips} clips of each label into {@code noise} (sources {@code synth_default_L}
   * and {@code synth_none_L}) and {@code proportions} (sources {@code synthetic L}), and returns
   * each label's motion.
   */
  public static Map<String, Motion> measure(int clips, PoseNoise noise, Map<String, SkeletonProportions> proportions) {
    Map<String, double[]> sums = new TreeMap<>(); // net speed, mean per-frame |motion feature|, clips
    for (String label : LABELS) {
      for (int i = 0; i < clips; i++) {
        for (EstimatorNoise n : List.of(EstimatorNoise.DEFAULT, EstimatorNoise.NONE)) {
          SurveillanceMotion.Clip clip = SurveillanceMotion.clip(label, false, 32, FPS, 10, 1000L + i, 11, n);
          List<Long> frames = new ArrayList<>();
          for (long f = 0; f < clip.poses().size(); f++) {
            frames.add(f);
          }
          if (!label.equals("run")) {
            noise.add((n == EstimatorNoise.NONE ? "synth_none_" : "synth_default_") + label, clip.poses(), frames);
          }
          if (n == EstimatorNoise.DEFAULT) {
            for (float[] f : clip.features()) {
              proportions.computeIfAbsent("synthetic " + label, k -> new SkeletonProportions()).add(f);
            }
            double[] acc = sums.computeIfAbsent(label, k -> new double[3]);
            List<PersonPose> p = clip.poses();
            PersonBox first = p.get(0).box();
            PersonBox last = p.get(p.size() - 1).box();
            double h = p.stream().mapToDouble(q -> q.box().height()).average().orElseThrow();
            acc[0] += Math.hypot(last.centerX() - first.centerX(), last.centerY() - first.centerY())
                / (h * (p.size() - 1) / (double) FPS);
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
    Map<String, Motion> motion = new TreeMap<>();
    sums.forEach((label, a) -> motion.put(label, new Motion(a[0] / a[2], a[1] / a[2], (int) a[2])));
    return motion;
  }
}
