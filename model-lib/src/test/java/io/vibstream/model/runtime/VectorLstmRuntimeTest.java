package io.vibstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.model.lstm.CompressedLstm;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VectorLstmRuntimeTest {

  /** featureDim, D', H', classes, batch, T: odd sizes, several panels, batch remainders. */
  static Stream<Arguments> sizes() {
    return Stream.of(
        Arguments.of(9, 5, 3, 4, 1, 6),
        Arguments.of(9, 5, 3, 4, 5, 6),
        Arguments.of(50, 33, 12, 11, 1, 9),
        Arguments.of(50, 33, 12, 11, 5, 9),
        Arguments.of(64, 37, 19, 7, 1, 5),
        Arguments.of(64, 37, 19, 7, 5, 5),
        Arguments.of(120, 88, 70, 13, 6, 3));
  }

  static void assertMatchesReference(LstmRuntime runtime, CompressedLstm model, float[][][] clips) {
    float[][] logits = runtime.logits(clips);
    assertThat(logits).hasNumberOfRows(clips.length);
    for (int b = 0; b < clips.length; b++) {
      assertThat(TestModels.maxAbsDiff(TestModels.reference(model, clips[b]), logits[b]))
          .as("clip %d of %s", b, model)
          .isLessThanOrEqualTo(1e-4);
    }
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void matchesScalarReference(int featureDim, int d, int h, int classes, int batch, int steps) {
    CompressedLstm model = TestModels.random(featureDim, d, h, classes, 31L * d + h);
    try (VectorLstmRuntime runtime = new VectorLstmRuntime(model)) {
      assertMatchesReference(runtime, model, TestModels.clips(batch, steps, featureDim, batch + steps));
    }
  }

  @Test
  void reusesScratchAcrossBatchSizesAndLengths() {
    CompressedLstm model = TestModels.random(40, 33, 12, 11, 7);
    try (VectorLstmRuntime runtime = new VectorLstmRuntime(model)) {
      assertMatchesReference(runtime, model, TestModels.clips(6, 4, 40, 1));
      assertMatchesReference(runtime, model, TestModels.clips(1, 10, 40, 2));
      assertMatchesReference(runtime, model, TestModels.clips(3, 2, 40, 3));
    }
  }

  @Test
  void rejectsBadInput() {
    CompressedLstm model = TestModels.random(9, 5, 3, 4, 1);
    try (VectorLstmRuntime runtime = new VectorLstmRuntime(model)) {
      assertThatThrownBy(() -> runtime.logits(new float[0][][])).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> runtime.logits(TestModels.clips(1, 2, 8, 1)))
          .isInstanceOf(IllegalArgumentException.class);
      float[][][] ragged = {TestModels.clips(1, 2, 9, 1)[0], TestModels.clips(1, 3, 9, 1)[0]};
      assertThatThrownBy(() -> runtime.logits(ragged)).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
