package io.vibstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.model.data.InputDeltas;
import io.vibstream.model.lstm.CompressedLstm;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A model with input deltas run on raw clips by every runtime equals the same weights as a plain
 * model of width 2D run on the explicitly expanded clips.
 */
class InputDeltasRuntimeTest {

  /** D, kept indices of u_t (features only, deltas only, both), H', classes, batch, T. */
  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of(9, new int[] {0, 3, 8, 9, 12, 17}, 3, 4, 5, 6),
        Arguments.of(9, new int[] {10, 11, 16}, 5, 3, 1, 7),
        Arguments.of(9, new int[] {1, 2, 7}, 5, 3, 2, 4),
        Arguments.of(40, range(0, 80), 19, 7, 6, 5),
        Arguments.of(50, range(20, 70), 12, 11, 3, 1));
  }

  @ParameterizedTest
  @MethodSource("models")
  void everyRuntimeOnRawClipsEqualsThePlainModelOnExpandedClips(int d, int[] kept, int h, int classes, int batch,
      int steps) {
    CompressedLstm deltas = deltasModel(d, kept, h, classes, 31L * kept.length + h);
    CompressedLstm plain = InputDeltas.unfold(deltas);
    assertThat(plain.featureDim()).isEqualTo(2 * d);
    assertThat(plain.inputDeltas()).isFalse();
    float[][][] raw = TestModels.clips(batch, steps, d, batch + steps);
    float[][][] expanded = expand(raw);

    float[][] expected;
    try (VectorLstmRuntime runtime = new VectorLstmRuntime(plain)) {
      expected = runtime.logits(expanded);
    }
    for (int b = 0; b < batch; b++) {
      assertThat(TestModels.maxAbsDiff(TestModels.reference(plain, expanded[b]), expected[b])).isLessThanOrEqualTo(1e-4);
    }
    try (VectorLstmRuntime runtime = new VectorLstmRuntime(deltas)) {
      assertClose(runtime.logits(raw), expected);
    }
    try (TorchLstmRuntime runtime = new TorchLstmRuntime(deltas)) {
      assertClose(runtime.logits(raw), expected);
    }
    LstmStream stream = new LstmStream(deltas);
    float[][] streamed = new float[batch][];
    for (int b = 0; b < batch; b++) {
      stream.reset();
      for (float[] feature : raw[b]) {
        stream.step(feature);
      }
      streamed[b] = stream.logits();
    }
    assertClose(streamed, expected);
  }

  @Test
  void aStreamRestoredWithItsPreviousFeatureContinuesIdentically() {
    CompressedLstm model = deltasModel(6, new int[] {1, 4, 6, 9, 11}, 4, 3, 2);
    float[][] clip = TestModels.clips(1, 8, 6, 3)[0];
    LstmStream stream = new LstmStream(model);
    assertThat(stream.previousFeature()).isNull();
    for (int t = 0; t < 5; t++) {
      stream.step(clip[t]);
    }
    float[] h = stream.hidden();
    float[] c = stream.cell();
    float[] previous = stream.previousFeature();
    assertThat(previous).containsExactly(clip[4]);
    for (int t = 5; t < 8; t++) {
      stream.step(clip[t]);
    }
    float[] expected = stream.logits();

    LstmStream other = new LstmStream(model);
    assertThatThrownBy(() -> other.restore(h, c)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("previous feature");
    other.restore(h, c, previous);
    for (int t = 5; t < 8; t++) {
      other.step(clip[t]);
    }
    assertThat(other.logits()).containsExactly(expected);
  }

  @Test
  void resetMakesTheNextStepTheFirstOfASequence() {
    CompressedLstm model = deltasModel(6, new int[] {0, 7, 8}, 4, 3, 5);
    float[][][] clips = TestModels.clips(2, 4, 6, 9);
    LstmStream stream = new LstmStream(model);
    for (float[] feature : clips[0]) {
      stream.step(feature);
    }
    stream.reset();
    assertThat(stream.previousFeature()).isNull();
    for (float[] feature : clips[1]) {
      stream.step(feature);
    }
    try (VectorLstmRuntime runtime = new VectorLstmRuntime(model)) {
      assertThat(stream.logits()).containsExactly(runtime.logits(new float[][][] {clips[1]})[0]);
    }

    LstmStream restored = new LstmStream(model);
    restored.restore(new float[4], new float[4], null);
    for (float[] feature : clips[1]) {
      restored.step(feature);
    }
    assertThat(restored.logits()).containsExactly(stream.logits());
  }

  @Test
  void restoreChecksThePreviousFeature() {
    LstmStream deltas = new LstmStream(deltasModel(6, new int[] {0, 7}, 3, 2, 1));
    assertThatThrownBy(() -> deltas.restore(new float[3], new float[3], new float[5]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 6");
    LstmStream plain = new LstmStream(TestModels.random(6, 4, 3, 2, 1));
    assertThat(plain.previousFeature()).isNull();
    plain.step(new float[6]);
    assertThat(plain.previousFeature()).as("a model without deltas keeps no previous feature").isNull();
    assertThatThrownBy(() -> plain.restore(new float[3], new float[3], new float[6]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no input deltas");
  }

  /** The random model of {@link TestModels} over u_t = [x_t, x_t - x_{t-1}] with exactly these kept indices. */
  static CompressedLstm deltasModel(int d, int[] kept, int h, int classes, long seed) {
    CompressedLstm random = TestModels.random(2 * d, kept.length, h, classes, seed);
    return random.toBuilder().featureDim(d).inputDeltas(true).keptInputs(kept).build();
  }

  /** Each step as [x_t, x_t - x_{t-1}], x_{-1} = x_0, written out independently of InputDeltas. */
  static float[][][] expand(float[][][] clips) {
    float[][][] out = new float[clips.length][][];
    for (int b = 0; b < clips.length; b++) {
      out[b] = new float[clips[b].length][];
      for (int t = 0; t < clips[b].length; t++) {
        float[] x = clips[b][t];
        float[] before = clips[b][t == 0 ? 0 : t - 1];
        float[] u = new float[2 * x.length];
        for (int j = 0; j < x.length; j++) {
          u[j] = x[j];
          u[x.length + j] = x[j] - before[j];
        }
        out[b][t] = u;
      }
    }
    return out;
  }

  private static void assertClose(float[][] actual, float[][] expected) {
    assertThat(actual).hasNumberOfRows(expected.length);
    for (int b = 0; b < expected.length; b++) {
      double max = 0;
      for (int k = 0; k < expected[b].length; k++) {
        max = Math.max(max, Math.abs(actual[b][k] - expected[b][k]));
      }
      assertThat(max).as("max |dlogit| of clip %d", b).isLessThanOrEqualTo(1e-4);
    }
  }

  private static int[] range(int from, int to) {
    return java.util.stream.IntStream.range(from, to).toArray();
  }
}
