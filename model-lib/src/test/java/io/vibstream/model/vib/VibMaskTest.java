package io.vibstream.model.vib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class VibMaskTest {
  @Test
  void klAndLogAlphaMatchHandComputedValues() {
    try (NDManager manager = NDManager.newBaseManager()) {
      // mu = (1, 0.5, 0), log sigma^2 = (-1, ln 0.25, -2)
      VibMask mask = VibMask.of(manager, new float[] {1f, 0.5f, 0f}, new float[] {-1f, (float) Math.log(0.25), -2f});
      // KL = log(1 + 1/e^-1) + log(1 + 0.25/0.25) + log(1 + 0) = ln(1 + e) + ln 2
      assertThat(mask.kl().getFloat()).isCloseTo((float) (Math.log(1 + Math.E) + Math.log(2)), within(1e-5f));
      float[] logAlpha = mask.logAlpha().toFloatArray();
      assertThat(logAlpha[0]).isCloseTo((float) (-1 - Math.log(1 + 1e-8)), within(1e-6f));
      assertThat(logAlpha[1]).isCloseTo((float) (Math.log(0.25) - Math.log(0.25 + 1e-8)), within(1e-6f));
      // mu = 0: log alpha = -2 - ln(1e-8) = 16.42...
      assertThat(logAlpha[2]).isCloseTo((float) (-2 - Math.log(1e-8)), within(1e-4f));
      assertThat(mask.kept(0)).containsExactly(true, false, false);
      assertThat(mask.kept(1e-6)).containsExactly(true, true, false);
      assertThat(mask.inferenceValues(1e-6)).containsExactly(1f, 0.5f, 0f);
    }
  }

  @Test
  void samplesFollowTheReparameterisation() {
    try (NDManager manager = NDManager.newBaseManager()) {
      VibMask mask = VibMask.of(manager, new float[] {2f, -1f}, new float[] {(float) Math.log(0.01), (float) Math.log(4)});
      float[] z = mask.sample(manager, 20000).toFloatArray();
      double[] mean = new double[2];
      double[] var = new double[2];
      for (int k = 0; k < z.length; k++) {
        mean[k % 2] += z[k] / 20000.0;
      }
      for (int k = 0; k < z.length; k++) {
        var[k % 2] += Math.pow(z[k] - mean[k % 2], 2) / 20000.0;
      }
      assertThat(mean[0]).isCloseTo(2, within(0.01));
      assertThat(mean[1]).isCloseTo(-1, within(0.1));
      assertThat(var[0]).isCloseTo(0.01, within(0.002));
      assertThat(var[1]).isCloseTo(4, within(0.3));
    }
  }

  @Test
  void initializationFollowsVibNet() {
    try (NDManager manager = NDManager.newBaseManager()) {
      VibMask mask = VibMask.initialize(manager, 1000, 7);
      for (float mu : mask.mu().toFloatArray()) {
        assertThat(mu).isBetween(0.94f, 1.06f);
      }
      for (float ls : mask.logSigma2().toFloatArray()) {
        assertThat(ls).isBetween(-9.06f, -8.94f);
      }
      assertThat(mask.keptCount(0)).isEqualTo(1000);
    }
  }
}
