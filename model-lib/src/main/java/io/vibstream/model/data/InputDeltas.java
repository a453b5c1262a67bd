package io.vibstream.model.data;

import io.vibstream.model.lstm.CompressedLstm;

/**
 * Temporal-difference input: sequences of x_t (D features) become sequences of
 * u_t = [x_t, x_t - x_{t-1}] (2D features, x_{-1} = x_0, so the first difference is 0). Training
 * runs on the expanded data like on any data; {@link #fold} then turns the trained model of width
 * 2D into a {@link CompressedLstm#inputDeltas() input-deltas} model that reads the raw D features
 * and forms the differences itself, with the same weights and kept indices.
 */
public final class InputDeltas {
  private InputDeltas() {}

  /** {@code data} with every step's difference to the step before appended. */
  public static SequenceDataset expand(SequenceDataset data) {
    int t = data.timeSteps();
    int d = data.featureDim();
    float[] seq = new float[t * d];
    float[] out = new float[data.size() * t * 2 * d];
    int[] labels = new int[data.size()];
    for (int n = 0; n < data.size(); n++) {
      data.copySequence(n, seq, 0);
      labels[n] = data.label(n);
      for (int s = 0; s < t; s++) {
        int row = (n * t + s) * 2 * d;
        int prev = Math.max(s - 1, 0) * d;
        System.arraycopy(seq, s * d, out, row, d);
        for (int j = 0; j < d; j++) {
          out[row + d + j] = seq[s * d + j] - seq[prev + j];
        }
      }
    }
    return new SequenceDataset(out, labels, t, 2 * d, data.classNames());
  }

  /** {@code split} with both sides expanded. */
  public static DataSplit expand(DataSplit split) {
    return new DataSplit(expand(split.train()), expand(split.test()), split.backboneId(),
        split.description() + " (with input deltas)");
  }

  /**
   * The input-deltas model of D raw features that computes what {@code trained}, a model of the
   * 2D expanded features, computes on the expanded sequences.
   *
   * @throws IllegalArgumentException if {@code trained} already reads input deltas or its feature
   *     dimension is odd
   */
  public static CompressedLstm fold(CompressedLstm trained) {
    if (trained.inputDeltas() || trained.featureDim() % 2 != 0) {
      throw new IllegalArgumentException("expected a model of expanded features (even width, no input deltas), got "
          + trained);
    }
    return trained.toBuilder().featureDim(trained.featureDim() / 2).inputDeltas(true).build();
  }

  /** The inverse of {@link #fold}: an input-deltas model as a model of the expanded features. */
  public static CompressedLstm unfold(CompressedLstm model) {
    if (!model.inputDeltas()) {
      throw new IllegalArgumentException("expected a model with input deltas, got " + model);
    }
    return model.toBuilder().featureDim(model.inputWidth()).inputDeltas(false).build();
  }
}
