package io.vibstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.runtime.VectorLstmRuntime;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputDeltasTest {
  private final RandomInputs inputs = new RandomInputs(11);

  @Test
  void expandAppendsTheDifferenceToTheStepBeforeAndZeroAtTheFirstStep() {
    // Two examples, 3 steps, 2 features.
    SequenceDataset data = new SequenceDataset(new float[] {1, 5, 2, 3, 4, 3, /* */ 0, 0, -1, 2, 1, 1},
        new int[] {1, 0}, 3, 2, List.of("a", "b"));
    SequenceDataset u = InputDeltas.expand(data);
    assertThat(u.featureDim()).isEqualTo(4);
    assertThat(u.timeSteps()).isEqualTo(3);
    assertThat(u.classNames()).isEqualTo(data.classNames());
    assertThat(u.sequence(0)).isDeepEqualTo(new float[][] {{1, 5, 0, 0}, {2, 3, 1, -2}, {4, 3, 2, 0}});
    assertThat(u.sequence(1)).isDeepEqualTo(new float[][] {{0, 0, 0, 0}, {-1, 2, -1, 2}, {1, 1, 2, -1}});
    assertThat(u.label(0)).isEqualTo(1);
    assertThat(u.label(1)).isEqualTo(0);

    DataSplit split = InputDeltas.expand(new DataSplit(data, data, "pose", "features:/x"));
    assertThat(split.test().featureDim()).isEqualTo(4);
    assertThat(split.backboneId()).isEqualTo("pose");
    assertThat(split.description()).isEqualTo("features:/x (with input deltas)");
  }

  @Test
  void foldKeepsWeightsAndKeptIndicesAndReadsRawFeatures() {
    CompressedLstm trained = model(8, new int[] {1, 4, 5, 7}, 3);
    CompressedLstm folded = InputDeltas.fold(trained);
    assertThat(folded.inputDeltas()).isTrue();
    assertThat(folded.featureDim()).isEqualTo(4);
    assertThat(folded.inputWidth()).isEqualTo(8);
    assertThat(folded.keptInputs()).containsExactly(1, 4, 5, 7);
    assertThat(folded.w()).containsExactly(trained.w());
    assertThat(folded.toString()).contains("features+deltas");
    CompressedLstm back = InputDeltas.unfold(folded);
    assertThat(back.inputDeltas()).isFalse();
    assertThat(back.featureDim()).isEqualTo(8);
    assertThat(back.keptInputs()).containsExactly(trained.keptInputs());

    assertThatThrownBy(() -> InputDeltas.fold(folded)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InputDeltas.fold(model(7, new int[] {0}, 2))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InputDeltas.unfold(trained)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> trained.toBuilder().featureDim(4).inputDeltas(true).keptInputs(new int[] {1, 8}).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keptInputs must be ascending indices in [0, 8), found 8 after 1");
  }

  @Test
  void standardizationFittedOnExpandedDataFoldsIntoADeltasModelOnRawFeatures() {
    int d = 5;
    SequenceDataset raw = randomData(12, 7, d);
    SequenceDataset expanded = InputDeltas.expand(raw);
    Standardization s = Standardization.fit(expanded);
    assertThat(s.mean()).hasSize(2 * d);
    CompressedLstm trained = model(2 * d, new int[] {0, 2, 5, 6, 9}, 4);

    CompressedLstm exported = InputDeltas.fold(s.fold(trained));
    assertThat(s.fold(InputDeltas.fold(trained)).b()).as("folds commute").containsExactly(exported.b());
    float[][][] rawClips = clips(raw);
    float[][][] standardized = clips(s.apply(expanded));
    try (VectorLstmRuntime onRaw = new VectorLstmRuntime(exported);
        VectorLstmRuntime onStandardized = new VectorLstmRuntime(trained)) {
      float[][] expected = onStandardized.logits(standardized);
      float[][] actual = onRaw.logits(rawClips);
      for (int n = 0; n < expected.length; n++) {
        assertThat(actual[n]).containsExactly(expected[n], within(1e-4f));
      }
    }
    CompressedLstm unfolded = s.unfold(exported);
    assertThat(unfolded.inputDeltas()).isTrue();
    assertThat(InputDeltas.unfold(unfolded).w()).containsExactly(trained.w(), within(1e-5f));
    assertThat(InputDeltas.unfold(unfolded).b()).containsExactly(trained.b(), within(1e-5f));
    assertThatThrownBy(() -> Standardization.fit(raw).fold(exported))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("standardization of 5 features applied to 10");
  }

  private CompressedLstm model(int featureDim, int[] kept, int h) {
    return inputs.model(featureDim, kept, h);
  }

  private SequenceDataset randomData(int n, int steps, int d) {
    return inputs.data(n, steps, d);
  }

  private static float[][][] clips(SequenceDataset data) {
    return RandomInputs.clips(data);
  }
}
