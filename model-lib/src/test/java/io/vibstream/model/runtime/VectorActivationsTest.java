package io.vibstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorActivationsTest {
  private static final int L = PackedLstm.L;

  /**
   * Max error over [-20, 20] (2^20 steps and exact zero) of the vector tanh, or of the sigmoid
   * the cell derives from it, 0.5 + 0.5 tanh(x / 2).
   */
  private static double maxError(boolean sigmoid) {
    int n = (1 << 20) + L;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.min(20f, -20f + 40f * i / (1 << 20));
    }
    x[n / 2] = 0f;
    float[] y = new float[n];
    for (int i = 0; i < n; i += L) {
      FloatVector v = FloatVector.fromArray(PackedLstm.S, x, i);
      (sigmoid ? VectorActivations.tanh(v.mul(0.5f)).fma(0.5f, 0.5f) : VectorActivations.tanh(v))
          .intoArray(y, i);
    }
    double max = 0;
    for (int i = 0; i < n; i++) {
      double exact = sigmoid ? 1 / (1 + Math.exp(-(double) x[i])) : Math.tanh(x[i]);
      max = Math.max(max, Math.abs(exact - y[i]));
    }
    return max;
  }

  @Test
  void tanhWithin1e6OfMathTanhOnMinus20To20() {
    assertThat(maxError(false)).isLessThan(1e-6);
  }

  @Test
  void sigmoidFromTanhWithin1e6OfExactOnMinus20To20() {
    assertThat(maxError(true)).isLessThan(1e-6);
  }

  @Test
  void tanhSaturatesAndIsOdd() {
    float[] x = new float[L];
    x[0] = Float.POSITIVE_INFINITY;
    x[1] = Float.NEGATIVE_INFINITY;
    x[2] = 1e6f;
    x[3] = 0.3f;
    x[4] = -0.3f;
    float[] y = new float[L];
    VectorActivations.tanh(FloatVector.fromArray(PackedLstm.S, x, 0)).intoArray(y, 0);
    assertThat(y[0]).isCloseTo(1f, within(1e-6f));
    assertThat(y[1]).isCloseTo(-1f, within(1e-6f));
    assertThat(y[2]).isEqualTo(y[0]);
    assertThat(y[4]).isEqualTo(-y[3]);
  }
}
