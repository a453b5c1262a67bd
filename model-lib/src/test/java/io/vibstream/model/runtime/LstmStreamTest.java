package io.vibstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.model.lstm.CompressedLstm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LstmStreamTest {

  private static double maxAbsDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  @ParameterizedTest
  @MethodSource("io.vibstream.model.runtime.VectorLstmRuntimeTest#sizes")
  void stepsEqualClipInference(int featureDim, int d, int h, int classes, int batch, int steps) {
    CompressedLstm model = TestModels.random(featureDim, d, h, classes, 31L * d + h);
    float[][][] clips = TestModels.clips(batch, steps, featureDim, batch + steps);
    float[][] clipLogits;
    try (VectorLstmRuntime runtime = new VectorLstmRuntime(model)) {
      clipLogits = runtime.logits(clips);
    }
    LstmStream stream = new LstmStream(model);
    for (int b = 0; b < batch; b++) {
      stream.reset();
      for (float[] feature : clips[b]) {
        stream.step(feature);
      }
      float[] logits = stream.logits();
      assertThat(maxAbsDiff(clipLogits[b], logits)).isLessThanOrEqualTo(1e-5);
      assertThat(TestModels.maxAbsDiff(TestModels.reference(model, clips[b]), logits)).isLessThanOrEqualTo(1e-4);
    }
  }

  @Test
  void restoredStateContinuesIdentically() {
    CompressedLstm model = TestModels.random(50, 33, 12, 11, 3);
    float[][] clip = TestModels.clips(1, 8, 50, 4)[0];
    LstmStream stream = new LstmStream(model);
    for (int t = 0; t < 5; t++) {
      stream.step(clip[t]);
    }
    float[] h = stream.hidden();
    float[] c = stream.cell();
    assertThat(h).hasSize(12);
    assertThat(c).hasSize(12);
    for (int t = 5; t < 8; t++) {
      stream.step(clip[t]);
    }
    float[] expected = stream.logits();

    LstmStream other = new LstmStream(model);
    other.restore(h, c);
    for (int t = 5; t < 8; t++) {
      other.step(clip[t]);
    }
    assertThat(other.logits()).containsExactly(expected);

    other.reset();
    assertThat(other.hidden()).containsOnly(0f);
    assertThat(other.cell()).containsOnly(0f);
    assertThat(other.logits()).containsExactly(model.fcB());
  }

  @Test
  void rejectsWrongSizes() {
    LstmStream stream = new LstmStream(TestModels.random(9, 5, 3, 4, 1));
    assertThatThrownBy(() -> stream.restore(new float[3], new float[4])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> stream.restore(new float[2], new float[3])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> stream.step(new float[8])).isInstanceOf(IllegalArgumentException.class);
  }
}
