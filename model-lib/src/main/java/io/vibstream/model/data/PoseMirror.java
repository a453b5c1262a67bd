package io.vibstream.model.data;

import java.util.Arrays;

/**
 * The horizontal mirror image of pose features, as a training-set augmentation. A pose backbone
 * of K joints gives per frame {@code x0, y0, ..., x(K-1), y(K-1), c0, ..., c(K-1)} (positions in
 * normalized image units, then confidences). A clip filmed in a mirror shows the same action with
 * {@code x -> 1 - x} (and, where the skeleton labels joints by side, left and right swapped), so adding each
 * training clip's mirror image doubles the training data without new recordings. Test data is
 * never mirrored.
 */
public final class PoseMirror {
  private final int[] partner;

  private PoseMirror(int[] partner) {
    this.partner = partner;
  }

  /**
   * The mirror of a {@code joints}-joint pose: {@code same} if every joint keeps its label in the
   * mirror image (the synthetic renderer's convention, {@code SyntheticPoses.FLIP_IDENTITY}), else
   * a permutation {@code p0,p1,...} of {@code 0..joints-1}: joint j of the mirror image is joint
   * {@code pj} of the original (real footage swaps left and right joints).
   *
   * @throws IllegalArgumentException for a malformed list or one that is not such a permutation
   */
  public static PoseMirror parse(String spec, int joints) {
    if (joints < 1) {
      throw new IllegalArgumentException("a pose needs at least one joint, got " + joints);
    }
    int[] partner = new int[joints];
    if (spec.trim().equals("same")) {
      Arrays.setAll(partner, j -> j);
      return new PoseMirror(partner);
    }
    String[] items = spec.split(",", -1);
    if (items.length != joints) {
      throw new IllegalArgumentException("mirror permutation '" + spec + "' has " + items.length
          + " entries, the pose has " + joints + " joints");
    }
    boolean[] seen = new boolean[joints];
    for (int j = 0; j < joints; j++) {
      int p = joint(items[j], joints);
      if (seen[p]) {
        throw new IllegalArgumentException("mirror permutation '" + spec + "' names joint " + p + " twice");
      }
      seen[p] = true;
      partner[j] = p;
    }
    return new PoseMirror(partner);
  }

  /** {@code data} followed by the mirror image of each of its examples (twice the examples). */
  public SequenceDataset withMirrorImages(SequenceDataset data) {
    int k = partner.length;
    if (data.featureDim() != 3 * k) {
      throw new IllegalArgumentException("pose features of " + k + " joints have " + 3 * k
          + " values a frame (x, y per joint, then confidences), the data has " + data.featureDim());
    }
    int t = data.timeSteps();
    int len = t * 3 * k;
    float[] out = new float[2 * data.size() * len];
    int[] labels = new int[2 * data.size()];
    for (int n = 0; n < data.size(); n++) {
      data.copySequence(n, out, n * len);
      labels[n] = data.label(n);
      labels[data.size() + n] = data.label(n);
      for (int s = 0; s < t; s++) {
        int src = n * len + s * 3 * k;
        int dst = (data.size() + n) * len + s * 3 * k;
        for (int j = 0; j < k; j++) {
          int p = partner[j];
          out[dst + 2 * j] = 1f - out[src + 2 * p];
          out[dst + 2 * j + 1] = out[src + 2 * p + 1];
          out[dst + 2 * k + j] = out[src + 2 * k + p];
        }
      }
    }
    return new SequenceDataset(out, labels, t, 3 * k, data.classNames());
  }

  /** {@code split} with the mirror images added to its training side only. */
  public DataSplit withMirrorImages(DataSplit split) {
    return new DataSplit(withMirrorImages(split.train()), split.test(), split.backboneId(),
        split.description() + " (training clips and their mirror images)");
  }

  private static int joint(String text, int joints) {
    int j;
    try {
      j = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("mirror joint '" + text.trim() + "' is not a joint index");
    }
    if (j < 0 || j >= joints) {
      throw new IllegalArgumentException("mirror joint " + j + " is outside [0, " + joints + ")");
    }
    return j;
  }
}
