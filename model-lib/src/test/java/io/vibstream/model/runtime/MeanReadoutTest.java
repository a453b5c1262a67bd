package io.vibstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.Readout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every runtime computes the mean readout, logits = W_fc (1/T) sum_t h_t + b_fc. */
class MeanReadoutTest {

  @ParameterizedTest
  @MethodSource("io.vibstream.model.runtime.VectorLstmRuntimeTest#sizes")
  void everyRuntimeMatchesTheScalarReference(int featureDim, int d, int h, int classes, int batch, int steps) {
    CompressedLstm model = TestModels.random(featureDim, d, h, classes, Readout.MEAN, 31L * d + h);
    float[][][] clips = TestModels.clips(batch, steps, featureDim, batch + steps);
    try (VectorLstmRuntime java = new VectorLstmRuntime(model);
        TorchLstmRuntime djl = new TorchLstmRuntime(model)) {
      VectorLstmRuntimeTest.assertMatchesReference(java, model, clips);
      VectorLstmRuntimeTest.assertMatchesReference(djl, model, clips);
    }
    LstmStream stream = new LstmStream(model);
    for (float[][] clip : clips) {
      stream.reset();
      for (float[] feature : clip) {
        stream.step(feature);
      }
      assertThat(TestModels.maxAbsDiff(TestModels.reference(model, clip), stream.logits())).isLessThanOrEqualTo(1e-4);
    }
  }

  @Test
  void theMeanDiffersFromTheLastState() {
    CompressedLstm mean = TestModels.random(50, 33, 12, 11, Readout.MEAN, 5);
    CompressedLstm last = mean.toBuilder().readout(Readout.LAST).build();
    float[][][] clips = TestModels.clips(2, 9, 50, 6);
    try (VectorLstmRuntime a = new VectorLstmRuntime(mean); VectorLstmRuntime b = new VectorLstmRuntime(last)) {
      assertThat(a.logits(clips)[0]).isNotEqualTo(b.logits(clips)[0]);
    }
  }

  @Test
  void aStreamRestoredWithItsSumContinuesIdentically() {
    CompressedLstm model = TestModels.random(50, 33, 12, 11, Readout.MEAN, 3);
    float[][] clip = TestModels.clips(1, 8, 50, 4)[0];
    LstmStream stream = new LstmStream(model);
    for (int t = 0; t < 5; t++) {
      stream.step(clip[t]);
    }
    float[] h = stream.hidden();
    float[] c = stream.cell();
    float[] sum = stream.hiddenSum();
    assertThat(stream.steps()).isEqualTo(5);
    for (int t = 5; t < 8; t++) {
      stream.step(clip[t]);
    }
    float[] expected = stream.logits();

    LstmStream other = new LstmStream(model);
    assertThatThrownBy(() -> other.restore(h, c)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("mean readout");
    assertThatThrownBy(() -> other.restore(h, c, null, new float[11], 5))
        .isInstanceOf(IllegalArgumentException.class);
    other.restore(h, c, null, sum, 5);
    for (int t = 5; t < 8; t++) {
      other.step(clip[t]);
    }
    assertThat(other.logits()).containsExactly(expected);

    other.reset();
    assertThat(other.steps()).isZero();
    assertThat(other.hiddenSum()).containsOnly(0f);
    assertThatThrownBy(other::logits).isInstanceOf(IllegalStateException.class);
  }
}
