package io.vibstream.model.eval;

import io.vibstream.model.data.SequenceDataset;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.runtime.LstmRuntime;
import io.vibstream.model.runtime.LstmRuntimes;

/** Test-set accuracy and confusion of a compressed model as the inference runtime computes it. */
public final class Evaluator {
  private static final int BATCH = 256;

  private Evaluator() {}

  /** Accuracy in percent of {@code model} on {@code data}, run in batches through the runtime. */
  public static double accuracyPercent(CompressedLstm model, SequenceDataset data) {
    return accuracyPercent(confusion(model, data));
  }

  /** Accuracy in percent of a confusion matrix. */
  public static double accuracyPercent(int[][] confusion) {
    long correct = 0;
    long total = 0;
    for (int t = 0; t < confusion.length; t++) {
      for (int p = 0; p < confusion[t].length; p++) {
        total += confusion[t][p];
        correct += t == p ? confusion[t][p] : 0;
      }
    }
    return total == 0 ? 0 : 100.0 * correct / total;
  }

  /**
   * Counts {@code [true class][predicted class]} of {@code model} on {@code data}, sequences of
   * the model's feature vectors (raw ones for a model with input deltas, which the runtime forms).
   */
  public static int[][] confusion(CompressedLstm model, SequenceDataset data) {
    if (data.featureDim() != model.featureDim()) {
      throw new IllegalArgumentException("data has " + data.featureDim() + " features per step, the model expects "
          + model.featureDim());
    }
    if (data.classNames().size() != model.classes()) {
      throw new IllegalArgumentException("data has " + data.classNames().size() + " classes, the model "
          + model.classes());
    }
    int[][] counts = new int[model.classes()][model.classes()];
    try (LstmRuntime runtime = LstmRuntimes.forBatch(model, Math.min(BATCH, data.size()))) {
      for (int start = 0; start < data.size(); start += BATCH) {
        int n = Math.min(BATCH, data.size() - start);
        float[][][] clips = new float[n][][];
        for (int k = 0; k < n; k++) {
          clips[k] = data.sequence(start + k);
        }
        float[][] logits = runtime.logits(clips);
        for (int k = 0; k < n; k++) {
          counts[data.label(start + k)][argMax(logits[k])]++;
        }
      }
    }
    return counts;
  }

  /** Index of the largest value. */
  public static int argMax(float[] values) {
    int best = 0;
    for (int k = 1; k < values.length; k++) {
      if (values[k] > values[best]) {
        best = k;
      }
    }
    return best;
  }
}
