package io.vibstream.model.runtime;

import io.vibstream.model.lstm.CompressedLstm;

/**
 * Gathers a model's kept inputs of u_t from raw feature vectors: x_t itself, or with input deltas
 * [x_t, x_t - x_{t-1}]. Kept indices ascend, so the first ones index x_t and the rest the
 * difference. Immutable.
 */
final class InputGather {
  private final int featureDim;
  private final int[] kept;
  /** Number of kept indices below featureDim (all of them without input deltas). */
  private final int direct;

  InputGather(CompressedLstm model) {
    featureDim = model.featureDim();
    kept = model.keptInputs();
    int n = 0;
    while (n < kept.length && kept[n] < featureDim) {
      n++;
    }
    direct = n;
  }

  /** D': number of kept inputs. */
  int size() {
    return kept.length;
  }

  /** Kept inputs of step {@code t} of a clip (x_{-1} = x_0) into {@code dst[off .. off + D')}. */
  void gather(float[][] clip, int t, float[] dst, int off) {
    gather(clip[t], clip[Math.max(t - 1, 0)], dst, off);
  }

  /**
   * Kept inputs of u_t into {@code dst[off .. off + D')}.
   *
   * @param feature x_t, length featureDim
   * @param previous x_{t-1}, length featureDim (x_t itself at the first step); read only by
   *     models with input deltas
   */
  void gather(float[] feature, float[] previous, float[] dst, int off) {
    check(feature);
    check(previous);
    for (int k = 0; k < direct; k++) {
      dst[off + k] = feature[kept[k]];
    }
    for (int k = direct; k < kept.length; k++) {
      int j = kept[k] - featureDim;
      dst[off + k] = feature[j] - previous[j];
    }
  }

  private void check(float[] feature) {
    if (feature.length != featureDim) {
      throw new IllegalArgumentException(
          "feature vector has " + feature.length + " values, expected " + featureDim);
    }
  }
}
