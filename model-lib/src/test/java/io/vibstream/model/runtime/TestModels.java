package io.vibstream.model.runtime;

import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.Readout;
import java.util.Random;

/** Random models and clips, and a double-precision scalar reference of the cell equations. */
final class TestModels {
  private TestModels() {}

  /** Random model with random ascending kept indices and gate scales in [0.2, 1]. */
  static CompressedLstm random(int featureDim, int inputSize, int hidden, int classes, long seed) {
    return random(featureDim, inputSize, hidden, classes, Readout.LAST, seed);
  }

  /** {@link #random(int, int, int, int, long)} with the given readout. */
  static CompressedLstm random(int featureDim, int inputSize, int hidden, int classes, Readout readout, long seed) {
    Random rnd = new Random(seed);
    int[] kept = rnd.ints(0, featureDim).distinct().limit(inputSize).sorted().toArray();
    float[] scales = new float[3 * hidden];
    for (int i = 0; i < scales.length; i++) {
      scales[i] = 0.2f + 0.8f * rnd.nextFloat();
    }
    return CompressedLstm.builder()
        .featureDim(featureDim)
        .readout(readout)
        .keptInputs(kept)
        .hiddenSize(hidden)
        .classes(classes)
        .weights(uniform(rnd, 4 * hidden * inputSize, 0.5f), uniform(rnd, 4 * hidden * hidden, 0.5f),
            uniform(rnd, 4 * hidden, 0.5f))
        .gateScales(scales)
        .classifier(uniform(rnd, classes * hidden, 0.5f), uniform(rnd, classes, 0.5f))
        .build();
  }

  /** [batch][steps][featureDim] uniform in [-2, 2]. */
  static float[][][] clips(int batch, int steps, int featureDim, long seed) {
    Random rnd = new Random(seed);
    float[][][] clips = new float[batch][steps][];
    for (float[][] clip : clips) {
      for (int t = 0; t < steps; t++) {
        clip[t] = uniform(rnd, featureDim, 2f);
      }
    }
    return clips;
  }

  /**
   * Reference logits of one clip: the CompressedLstm equations in double with Math.tanh/exp, on
   * features x_t (models without input deltas), with either readout.
   */
  static double[] reference(CompressedLstm m, float[][] clip) {
    int d = m.inputSize();
    int hs = m.hiddenSize();
    int[] kept = m.keptInputs();
    float[] w = m.w();
    float[] u = m.u();
    float[] b = m.b();
    float[] s = m.gateScales();
    double[] h = new double[hs];
    double[] c = new double[hs];
    double[] hSum = new double[hs];
    for (float[] feature : clip) {
      double[] a = new double[4 * hs];
      for (int r = 0; r < 4 * hs; r++) {
        double sum = b[r];
        for (int k = 0; k < d; k++) {
          sum += (double) w[r * d + k] * feature[kept[k]];
        }
        for (int j = 0; j < hs; j++) {
          sum += (double) u[r * hs + j] * h[j];
        }
        a[r] = sum;
      }
      for (int j = 0; j < hs; j++) {
        double i = sigmoid(a[j]) * s[j];
        double f = sigmoid(a[hs + j]) * s[hs + j];
        double g = Math.tanh(a[2 * hs + j]) * s[2 * hs + j];
        double o = sigmoid(a[3 * hs + j]);
        c[j] = f * c[j] + i * g;
        h[j] = o * Math.tanh(c[j]);
        hSum[j] += h[j];
      }
    }
    if (m.readout() == Readout.MEAN) {
      for (int j = 0; j < hs; j++) {
        h[j] = hSum[j] / clip.length;
      }
    }
    float[] fcW = m.fcW();
    float[] fcB = m.fcB();
    double[] logits = new double[m.classes()];
    for (int k = 0; k < logits.length; k++) {
      double sum = fcB[k];
      for (int j = 0; j < hs; j++) {
        sum += (double) fcW[k * hs + j] * h[j];
      }
      logits[k] = sum;
    }
    return logits;
  }

  static double maxAbsDiff(double[] expected, float[] actual) {
    if (expected.length != actual.length) {
      throw new AssertionError("lengths " + expected.length + " vs " + actual.length);
    }
    double max = 0;
    for (int i = 0; i < actual.length; i++) {
      max = Math.max(max, Math.abs(expected[i] - actual[i]));
    }
    return max;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static float[] uniform(Random rnd, int n, float scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (2 * rnd.nextFloat() - 1) * scale;
    }
    return a;
  }
}
