package io.vibstream.model.vib;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.vibstream.model.data.SequenceDataset;
import io.vibstream.model.lstm.CompressedLstm;
import org.junit.jupiter.api.Test;

class VibTrainerTest {
  @Test
  void baselineVibAndFineTuningLearnAndPrune() {
    SequenceDataset train = ToyData.generate(600, 10, 12, 1);
    SequenceDataset test = ToyData.generate(300, 10, 12, 2);
    TrainingSchedule schedule = TrainingSchedule.of(6, 3).withBatchSize(32).withLearningRate(1e-2);
    try (NDManager manager = NDManager.newBaseManager()) {
      VibLstm baseline = VibLstm.plain(manager, 12, 16, 3, 5);
      VibTrainer.train(baseline, train, schedule, "baseline", TrainingListener.NONE);
      assertThat(accuracy(VibTrainer.logits(baseline, test, 64), test)).isGreaterThan(0.9);

      VibLstm vib = baseline.withVibMasks(0, 9);
      VibTrainer.train(vib, train, schedule.withEpochs(8).withBetas(3e-3, 3e-3).withMaskLearningRate(2e-2), "vib",
          TrainingListener.NONE);
      assertThat(vib.keptInputs()).isLessThan(12);
      assertThat(vib.keptHidden()).isLessThan(16);

      CompressedLstm pruned = Pruner.prune(vib);
      assertThat(pruned.inputSize()).isEqualTo(vib.keptInputs());
      VibLstm fine = VibLstm.frozen(manager, pruned);
      VibTrainer.train(fine, train, schedule.withEpochs(4), "fine-tune", TrainingListener.NONE);
      assertThat(accuracy(VibTrainer.logits(fine, test, 64), test)).isGreaterThan(0.9);
    }
  }

  static double accuracy(float[][] logits, SequenceDataset data) {
    int correct = 0;
    for (int i = 0; i < logits.length; i++) {
      int best = 0;
      for (int k = 1; k < logits[i].length; k++) {
        if (logits[i][k] > logits[i][best]) {
          best = k;
        }
      }
      correct += best == data.label(i) ? 1 : 0;
    }
    return correct / (double) logits.length;
  }
}
