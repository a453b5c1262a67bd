package io.vibstream.model.eval;

import io.vibstream.model.data.SequenceDataset;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.runtime.LstmRuntime;
import io.vibstream.model.runtime.LstmRuntimes;

/** Test-set accuracy of a compressed model as the inference runtime computes it. */
public final class Evaluator {
  private static final int BATCH = 256;

  private Evaluator() {}

  /** Accuracy in percent of {@code model} on {@code data}, run in batches through the runtime. */
  public static double accuracyPercent(CompressedLstm model, SequenceDataset data) {
    if (data.featureDim() != model.featureDim()) {
      throw new IllegalArgumentException("data has " + data.featureDim() + " features per step, the model expects "
          + model.featureDim());
    }
    if (data.classNames().size() != model.classes()) {
      throw new IllegalArgumentException("data has " + data.classNames().size() + " classes, the model "
          + model.classes());
    }
    long correct = 0;
    try (LstmRuntime runtime = LstmRuntimes.forBatch(model, Math.min(BATCH, data.size()))) {
      for (int start = 0; start < data.size(); start += BATCH) {
        int n = Math.min(BATCH, data.size() - start);
        float[][][] clips = new float[n][][];
        for (int k = 0; k < n; k++) {
          clips[k] = data.sequence(start + k);
        }
        float[][] logits = runtime.logits(clips);
        for (int k = 0; k < n; k++) {
          correct += argMax(logits[k]) == data.label(start + k) ? 1 : 0;
        }
      }
    }
    return 100.0 * correct / data.size();
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
