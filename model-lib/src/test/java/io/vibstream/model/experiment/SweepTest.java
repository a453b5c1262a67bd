package io.vibstream.model.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.model.lstm.CompressedLstm;
import java.util.List;
import org.junit.jupiter.api.Test;

class SweepTest {
  @Test
  void bestIsTheSmallestRowWithinTolerance() {
    Sweep.Row big = row("vib-a", 20, 60, 89.9);
    Sweep.Row small = row("vib-b", 20, 30, 89.2);
    Sweep.Row tiny = row("vib-c", 10, 10, 85.0);
    assertThat(Sweep.best(List.of(big, small, tiny), 89.0)).isSameAs(small);
    assertThat(Sweep.best(List.of(big, small, tiny), 84.0)).isSameAs(tiny);
  }

  @Test
  void bestFallsBackToTheMostAccurateRow() {
    Sweep.Row a = row("vib-a", 20, 60, 80.0);
    Sweep.Row b = row("vib-b", 20, 30, 82.0);
    assertThat(Sweep.best(List.of(a, b), 90.0)).isSameAs(b);
  }

  private static Sweep.Row row(String name, int d, int h, double accuracy) {
    int[] kept = new int[d];
    for (int i = 0; i < d; i++) {
      kept[i] = i;
    }
    CompressedLstm model = CompressedLstm.builder().featureDim(28).keptInputs(kept).hiddenSize(h).classes(2)
        .weights(new float[4 * h * d], new float[4 * h * h], new float[4 * h]).unitGateScales()
        .classifier(new float[2 * h], new float[2]).build();
    return new Sweep.Row(name, model, accuracy, 1e-3, "test");
  }
}
