package io.vibstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vibstream.model.data.DataSplit;
import io.vibstream.model.data.SequenceDataset;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.runtime.VectorLstmRuntime;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrainingInputsTest {
  private static final int D = 4;
  private final SplittableRandom rnd = new SplittableRandom(5);

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
    return CompressedLstm.builder().featureDim(featureDim).keptInputs(kept).hiddenSize(h).classes(3)
        .weights(random(4 * h * kept.length), random(4 * h * h), random(4 * h)).unitGateScales()
        .classifier(random(3 * h), random(3)).build();
  }

  /** Features with a per-feature offset and scale, so standardization matters. */
  private SequenceDataset randomData(int n, int steps) {
    float[] data = new float[n * steps * D];
    for (int i = 0; i < data.length; i++) {
      int j = i % D;
      data[i] = 3 * j + (j + 1) * (float) (rnd.nextDouble() * 2 - 1);
    }
    return new SequenceDataset(data, new int[n], steps, D, List.of("a", "b", "c"));
  }

  private static float[][][] clips(SequenceDataset data) {
    float[][][] clips = new float[data.size()][][];
    for (int n = 0; n < clips.length; n++) {
      clips[n] = data.sequence(n);
    }
    return clips;
  }

  private float[] random(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return v;
  }
}
