package io.vibstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vibstream.model.data.DataSplit;
import io.vibstream.model.data.RandomInputs;
import io.vibstream.model.data.SequenceDataset;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.runtime.VectorLstmRuntime;
import org.junit.jupiter.api.Test;

class TrainingInputsTest {
  private static final int D = 4;
  private final RandomInputs inputs = new RandomInputs(5);

  @Test
  void aModelTrainedOnDeltasAndStandardizedInputsIsExportedToReadRawFeatures() {
    SequenceDataset raw = randomData(10, 6);
    TrainingInputs.Fitted<DataSplit> fitted = TrainingInputs.fit(new DataSplit(raw, raw, "pose", "features:/x"),
        true, true);
    TrainingInputs inputs = fitted.inputs();
    assertThat(fitted.data().description()).isEqualTo("features:/x (with input deltas) (standardized)");
    assertThat(fitted.data().train().featureDim()).isEqualTo(2 * D);
    assertThat(TrainingInputs.fit(raw, true, true).inputs().standardization().mean())
        .containsExactly(inputs.standardization().mean());

    CompressedLstm trained = model(2 * D, new int[] {0, 3, 5, 6}, 3);
    CompressedLstm exported = inputs.exported(trained);
    assertThat(exported.inputDeltas()).isTrue();
    assertThat(exported.featureDim()).isEqualTo(D);
    try (VectorLstmRuntime onRaw = new VectorLstmRuntime(exported);
        VectorLstmRuntime onInputs = new VectorLstmRuntime(trained)) {
      float[][] expected = onInputs.logits(clips(fitted.data().train()));
      float[][] actual = onRaw.logits(clips(raw));
      for (int n = 0; n < expected.length; n++) {
        assertThat(actual[n]).containsExactly(expected[n], within(1e-4f));
      }
    }
    CompressedLstm imported = inputs.imported(exported);
    assertThat(imported.inputDeltas()).isFalse();
    assertThat(imported.w()).containsExactly(trained.w(), within(1e-5f));
    assertThat(imported.b()).containsExactly(trained.b(), within(1e-5f));
    assertThatThrownBy(() -> TrainingInputs.fit(raw, false, true).inputs().imported(exported))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the model reads input deltas, these inputs have none");
  }

  @Test
  void withoutDeltasOrStandardizationDataAndModelsPassUnchanged() {
    SequenceDataset raw = randomData(4, 3);
    TrainingInputs.Fitted<SequenceDataset> fitted = TrainingInputs.fit(raw, false, false);
    assertThat(fitted.data()).isSameAs(raw);
    CompressedLstm model = model(D, new int[] {1, 2}, 2);
    assertThat(fitted.inputs().exported(model)).isSameAs(model);
    assertThat(fitted.inputs().imported(model)).isSameAs(model);
  }

  private CompressedLstm model(int featureDim, int[] kept, int h) {
    return inputs.model(featureDim, kept, h);
  }

  private SequenceDataset randomData(int n, int steps) {
    return inputs.data(n, steps, D);
  }

  private static float[][][] clips(SequenceDataset data) {
    return RandomInputs.clips(data);
  }
}
