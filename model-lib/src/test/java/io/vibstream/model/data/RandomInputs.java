package io.vibstream.model.data;

import io.vibstream.model.lstm.CompressedLstm;
import java.util.List;
import java.util.SplittableRandom;

/** Random models and feature data, from one seeded source, for the tests of input transforms. */
public final class RandomInputs {
  private final SplittableRandom rnd;

  public RandomInputs(long seed) {
    this.rnd = new SplittableRandom(seed);
  }

  /** A compressed LSTM over {@code featureDim} features reading {@code kept}, hidden size {@code h}, 3 classes. */
  public CompressedLstm model(int featureDim, int[] kept, int h) {
    return CompressedLstm.builder().featureDim(featureDim).keptInputs(kept).hiddenSize(h).classes(3)
        .weights(random(4 * h * kept.length), random(4 * h * h), random(4 * h)).unitGateScales()
        .classifier(random(3 * h), random(3)).build();
  }

  /** {@code n} sequences of {@code steps} x {@code d} features with a per-feature offset and scale. */
  public SequenceDataset data(int n, int steps, int d) {
    float[] data = new float[n * steps * d];
    for (int i = 0; i < data.length; i++) {
      int j = i % d;
      data[i] = 3 * j + (j + 1) * (float) (rnd.nextDouble() * 2 - 1);
    }
    return new SequenceDataset(data, new int[n], steps, d, List.of("a", "b", "c"));
  }

  /** The data set's sequences as clips [n][steps][features]. */
  public static float[][][] clips(SequenceDataset data) {
    float[][][] clips = new float[data.size()][][];
    for (int n = 0; n < clips.length; n++) {
      clips[n] = data.sequence(n);
    }
    return clips;
  }

  private float[] random(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return v;
  }
}
