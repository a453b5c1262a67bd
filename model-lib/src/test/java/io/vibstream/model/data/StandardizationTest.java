package io.vibstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.runtime.LstmStream;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StandardizationTest {
  private final SplittableRandom rnd = new SplittableRandom(5);

  @Test
  void fitsMeanAndStdPerFeatureAndStandardizes() {
    // Feature 0: 1, 3, 5, 7 (mean 4, std sqrt(5)); feature 1 constant 2 (std 1).
    SequenceDataset data = new SequenceDataset(new float[] {1, 2, 3, 2, 5, 2, 7, 2}, new int[] {0, 1}, 2, 2,
        List.of("a", "b"));
    Standardization s = Standardization.fit(data);
    assertThat(s.mean()).containsExactly(new float[] {4, 2}, within(1e-6f));
    assertThat(s.std()).containsExactly(new float[] {(float) Math.sqrt(5), 1}, within(1e-6f));
    float[][] first = s.apply(data).sequence(0);
    assertThat(first[0]).containsExactly(new float[] {(float) (-3 / Math.sqrt(5)), 0}, within(1e-6f));
    assertThat(s.apply(data).label(1)).isEqualTo(1);
  }

  @Test
  void aFoldedModelOnRawFeaturesEqualsTheModelOnStandardizedOnesAndUnfoldInvertsIt() {
    int d = 6;
    int h = 4;
    int[] kept = {0, 2, 5};
    CompressedLstm model = CompressedLstm.builder().featureDim(d).keptInputs(kept).hiddenSize(h).classes(3)
        .weights(random(4 * h * kept.length), random(4 * h * h), random(4 * h)).unitGateScales()
        .classifier(random(3 * h), random(3)).build();
    float[] mean = random(d);
    float[] std = new float[d];
    for (int j = 0; j < d; j++) {
      std[j] = 0.1f + (float) rnd.nextDouble() * 3;
    }
    Standardization s = new Standardization(mean, std);
    LstmStream onStandardized = new LstmStream(model);
    LstmStream onRaw = new LstmStream(s.fold(model));
    for (int t = 0; t < 10; t++) {
      float[] raw = random(d);
      float[] z = new float[d];
      for (int j = 0; j < d; j++) {
        z[j] = (raw[j] - mean[j]) / std[j];
      }
      onStandardized.step(z);
      onRaw.step(raw);
    }
    assertThat(onRaw.logits()).containsExactly(onStandardized.logits(), within(1e-4f));
    assertThat(s.unfold(s.fold(model)).w()).containsExactly(model.w(), within(1e-5f));
    assertThat(s.unfold(s.fold(model)).b()).containsExactly(model.b(), within(1e-5f));
  }

  private float[] random(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return v;
  }
}
