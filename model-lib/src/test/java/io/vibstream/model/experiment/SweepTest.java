package io.vibstream.model.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.model.data.DataSplit;
import io.vibstream.model.data.InputDeltas;
import io.vibstream.model.data.SequenceDataset;
import io.vibstream.model.eval.Evaluator;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.Readout;
import io.vibstream.model.vib.TrainingListener;
import io.vibstream.model.vib.TrainingSchedule;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SweepTest {
  @Test
  void aSweepOnExpandedDataExportsModelsThatScoreTheSameOnRawData() {
    DataSplit raw = new DataSplit(random(60, 1), random(30, 2), "pose", "random");
    DataSplit expanded = InputDeltas.expand(raw);
    TrainingSchedule schedule = TrainingSchedule.of(1, 3).withBatchSize(20);
    Sweep.Settings settings = new Sweep.Settings(6, List.of(3e-2), 1, schedule, schedule.withEpochs(2),
        schedule, 0, 100);
    Sweep.Result result = Sweep.run(expanded, settings, TrainingListener.NONE, row -> { });

    assertThat(result.rows()).extracting(Sweep.Row::model).containsExactly("baseline", "vib-beta0.03", "scratch");
    assertThat(result.baseline().compressed().featureDim()).isEqualTo(8);
    assertThat(result.scratch().compressed().keptInputs()).containsExactly(result.best().compressed().keptInputs());
    for (Sweep.Row row : result.rows()) {
      CompressedLstm exported = InputDeltas.fold(row.compressed());
      assertThat(exported.featureDim()).isEqualTo(4);
      assertThat(Evaluator.accuracyPercent(exported, raw.test())).as(row.model()).isEqualTo(row.accuracy());
    }
  }

  @Test
  void rowsAreNamedByTheirBetaInPlainDecimals() {
    assertThat(Sweep.vibRowName(9e-4)).isEqualTo("vib-beta0.0009");
    assertThat(Sweep.vibRowName(2.2e-3)).isEqualTo("vib-beta0.0022");
    assertThat(Sweep.vibRowName(3e-2)).isEqualTo("vib-beta0.03");
  }

  @Test
  void aDistilledSweepSaysSoInTheCompressedAndControlRows() {
    DataSplit data = new DataSplit(random(60, 1), random(30, 2), "pose", "random");
    TrainingSchedule schedule = TrainingSchedule.of(1, 3).withBatchSize(20);
    Sweep.Result result = Sweep.run(data, new Sweep.Settings(6, List.of(3e-2), 1, schedule, schedule, schedule, 0,
        100, 0.5, 4, Readout.LAST), TrainingListener.NONE, row -> { });
    assertThat(result.baseline().training()).doesNotContain("distilled");
    assertThat(result.best().training()).contains("fine-tune epochs, distilled from the baseline (weight 0.50, T 4.0)");
    assertThat(result.scratch().training()).contains("from scratch, distilled from the baseline");
  }

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

  /** {@code n} sequences of 5 steps and 4 features, two classes. */
  private static SequenceDataset random(int n, long seed) {
    Random random = new Random(seed);
    float[] data = new float[n * 5 * 4];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) random.nextGaussian();
    }
    return new SequenceDataset(data, random.ints(n, 0, 2).toArray(), 5, 4, List.of("a", "b"));
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
