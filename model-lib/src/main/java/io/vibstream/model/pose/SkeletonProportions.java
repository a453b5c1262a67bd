package io.vibstream.model.pose;

import java.util.Arrays;

/**
 * Where a pose estimator puts each joint on the body, in {@link PersonFeatures} space (offsets
 * from the pelvis in torso lengths, y down): per joint the median vertical and absolute horizontal
 * offset over the frames in which it is visible, and the share of frames in which it is. Comparing
 * a real estimator's skeletons with synthetic ones shows systematic differences of landmark
 * placement (e.g. hips set lower on the body, shorter arms) that noise does not model.
 */
public final class SkeletonProportions {
  private final float[][] x = new float[PoseJoints.COUNT][];
  private final float[][] y = new float[PoseJoints.COUNT][];
  private final int[] seen = new int[PoseJoints.COUNT];
  private int frames;

  public SkeletonProportions() {
    for (int j = 0; j < PoseJoints.COUNT; j++) {
      x[j] = new float[64];
      y[j] = new float[64];
    }
  }

  /** Adds one person-frame's features ({@link PersonFeatures#DIMENSION} values). */
  public void add(float[] features) {
    if (features.length != PersonFeatures.DIMENSION) {
      throw new IllegalArgumentException("expected " + PersonFeatures.DIMENSION + " features, got " + features.length);
    }
    frames++;
    for (int j = 0; j < PoseJoints.COUNT; j++) {
      if (features[2 * PoseJoints.COUNT + j] >= PersonFeatures.VISIBLE
          && features[2 * PoseJoints.COUNT + PoseJoints.PELVIS] >= PersonFeatures.VISIBLE) {
        if (seen[j] == x[j].length) {
          x[j] = Arrays.copyOf(x[j], 2 * seen[j]);
          y[j] = Arrays.copyOf(y[j], 2 * seen[j]);
        }
        x[j][seen[j]] = Math.abs(features[2 * j]);
        y[j][seen[j]] = features[2 * j + 1];
        seen[j]++;
      }
    }
  }

  /** Person-frames added. */
  public int frames() {
    return frames;
  }

  /** Median vertical offset of {@code joint} from the pelvis, torso lengths (NaN if never visible). */
  public double medianY(int joint) {
    return median(y[joint], seen[joint]);
  }

  /** Median absolute horizontal offset of {@code joint} from the pelvis, torso lengths. */
  public double medianAbsX(int joint) {
    return median(x[joint], seen[joint]);
  }

  /** Share of the frames in which {@code joint} was visible. */
  public double visibleShare(int joint) {
    return frames == 0 ? Double.NaN : seen[joint] / (double) frames;
  }

  private static double median(float[] values, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    float[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }
}
