package io.vibstream.model.vib;

import io.vibstream.model.data.SequenceDataset;
import java.util.List;
import java.util.Random;

/** Small generated sequence data: the class is in how a bump moves, not in any one frame. */
final class ToyData {
  private ToyData() {}

  /**
   * {@code n} sequences of T steps and D features over 3 classes: a bump rises over time in
   * feature 0 (class 0), in feature 1 (class 1), or falls in feature 0 (class 2). Features from
   * index 3 on are pure noise, so an input mask can drop them.
   */
  static SequenceDataset generate(int n, int timeSteps, int featureDim, long seed) {
    Random random = new Random(seed);
    float[] data = new float[n * timeSteps * featureDim];
    int[] labels = new int[n];
    for (int e = 0; e < n; e++) {
      int label = e % 3;
      labels[e] = label;
      for (int t = 0; t < timeSteps; t++) {
        float ramp = t / (float) (timeSteps - 1);
        for (int j = 0; j < featureDim; j++) {
          float v = (float) (0.3 * random.nextGaussian());
          if (label == 0 && j == 0) {
            v += ramp;
          } else if (label == 1 && j == 1) {
            v += ramp;
          } else if (label == 2 && j == 0) {
            v += 1 - ramp;
          } else if (j == 2) {
            v += 0.5f;
          }
          data[(e * timeSteps + t) * featureDim + j] = v;
        }
      }
    }
    return new SequenceDataset(data, labels, timeSteps, featureDim, List.of("rise0", "rise1", "fall0"));
  }
}
