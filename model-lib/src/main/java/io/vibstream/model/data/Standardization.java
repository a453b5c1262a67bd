package io.vibstream.model.data;

import io.vibstream.model.lstm.CompressedLstm;

/**
 * Per-feature standardization {@code x' = (x - mean) / std}, fitted on a training set. LSTMs
 * train far better on standardized inputs, and because the transform is affine it folds exactly
 * into a trained model's input weights and bias ({@link #fold}): the exported model reads the raw
 * features, so nothing changes at inference. For a model with
 * {@link CompressedLstm#inputDeltas() input deltas} the features are those of its input u_t: fit
 * on {@link InputDeltas#expand expanded} data, fold into the model of width 2D (before or after
 * {@link InputDeltas#fold}).
 *
 * @param mean per feature
 * @param std per feature, positive (1 for constant features)
 */
public record Standardization(float[] mean, float[] std) {
  public Standardization {
    if (mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException("mean and std must have the same, non-zero length");
    }
    mean = mean.clone();
    std = std.clone();
    for (float s : std) {
      if (!(s > 0) || !Float.isFinite(s)) {
        throw new IllegalArgumentException("std must be positive and finite, got " + s);
      }
    }
  }

  /** Mean and standard deviation of every feature over all steps of all examples of {@code data}. */
  public static Standardization fit(SequenceDataset data) {
    int d = data.featureDim();
    double[] sum = new double[d];
    double[] sq = new double[d];
    long rows = (long) data.size() * data.timeSteps();
    float[] seq = new float[data.timeSteps() * d];
    for (int n = 0; n < data.size(); n++) {
      data.copySequence(n, seq, 0);
      for (int i = 0; i < seq.length; i++) {
        sum[i % d] += seq[i];
        sq[i % d] += (double) seq[i] * seq[i];
      }
    }
    float[] mean = new float[d];
    float[] std = new float[d];
    for (int j = 0; j < d; j++) {
      double m = sum[j] / Math.max(1, rows);
      double sd = Math.sqrt(Math.max(0, sq[j] / Math.max(1, rows) - m * m));
      mean[j] = (float) m;
      std[j] = sd > 1e-6 ? (float) sd : 1f;
    }
    return new Standardization(mean, std);
  }

  /** {@code data} with every feature standardized. */
  public SequenceDataset apply(SequenceDataset data) {
    checkDim(data.featureDim());
    int d = mean.length;
    int len = data.timeSteps() * d;
    float[] out = new float[data.size() * len];
    int[] labels = new int[data.size()];
    for (int n = 0; n < data.size(); n++) {
      data.copySequence(n, out, n * len);
      labels[n] = data.label(n);
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = (out[i] - mean[i % d]) / std[i % d];
    }
    return new SequenceDataset(out, labels, data.timeSteps(), d, data.classNames());
  }

  /** {@code split} with both sides standardized by this (fitted on the training side). */
  public DataSplit apply(DataSplit split) {
    return new DataSplit(apply(split.train()), apply(split.test()), split.backboneId(),
        split.description() + " (standardized)");
  }

  /**
   * The model that computes on raw features what {@code model} computes on standardized ones:
   * {@code W' = W / std} column by column and {@code b' = b - W' mean}, over the kept inputs
   * (indices into u_t, so this standardization has {@link CompressedLstm#inputWidth()} features).
   */
  public CompressedLstm fold(CompressedLstm model) {
    return transform(model, true);
  }

  /** The inverse of {@link #fold}: a raw-feature model as a model of standardized features. */
  public CompressedLstm unfold(CompressedLstm model) {
    return transform(model, false);
  }

  private CompressedLstm transform(CompressedLstm model, boolean fold) {
    checkDim(model.inputWidth());
    int[] kept = model.keptInputs();
    int dp = kept.length;
    int rows = 4 * model.hiddenSize();
    float[] w = model.w();
    float[] b = model.b();
    for (int r = 0; r < rows; r++) {
      double shift = 0;
      for (int k = 0; k < dp; k++) {
        int j = kept[k];
        int at = r * dp + k;
        if (fold) {
          w[at] /= std[j];
          shift += (double) w[at] * mean[j];
        } else {
          shift += (double) w[at] * mean[j];
          w[at] *= std[j];
        }
      }
      b[r] = (float) (fold ? b[r] - shift : b[r] + shift);
    }
    return model.toBuilder().weights(w, model.u(), b).build();
  }

  private void checkDim(int d) {
    if (d != mean.length) {
      throw new IllegalArgumentException("standardization of " + mean.length + " features applied to " + d);
    }
  }
}
