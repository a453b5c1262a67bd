package io.vibstream.model.vib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.vibstream.model.data.InputDeltas;
import io.vibstream.model.data.SequenceDataset;
import io.vibstream.model.eval.Evaluator;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.Readout;
import io.vibstream.model.runtime.LstmRuntime;
import io.vibstream.model.runtime.LstmRuntimes;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PrunerTest {
  private static final int H = 10;
  private static final int D = 7;

  @ParameterizedTest
  @EnumSource(Readout.class)
  void prunedModelGivesTheMaskedModelsLogits(Readout readout) {
    SequenceDataset data = ToyData.generate(90, 9, D, 4);
    try (NDManager manager = NDManager.newBaseManager();
        VibLstm plain = VibLstm.plain(manager, D, H, 3, readout, 2);
        VibLstm vib = plain.withVibMasks(0, 3)) {
      VibTrainer.train(vib, data, TrainingSchedule.of(2, 5).withBatchSize(30).withBetas(1e-2, 1e-2)
          .withMaskLearningRate(5e-2), "vib", TrainingListener.NONE);
      // Prune by hand, one unit per rule: input 1; hidden 0 by its i unit, 2 by g, 4 by o; hidden 6
      // loses only its forget unit and must stay with forget scale 0.
      vib.inputMask().mu().set(new NDIndex(1), 0f);
      vib.gateMask().mu().set(new NDIndex(0), 0f);
      vib.gateMask().mu().set(new NDIndex(2 * H + 2), 0f);
      vib.gateMask().mu().set(new NDIndex(3 * H + 4), 0f);
      vib.gateMask().mu().set(new NDIndex(H + 6), 0f);
      // Random mask means away from 1, so that folding them is really exercised.
      vib.gateMask().mu().muli(manager.randomUniform(0.5f, 1.5f, vib.gateMask().mu().getShape()));
      vib.inputMask().mu().muli(manager.randomUniform(0.5f, 1.5f, vib.inputMask().mu().getShape()));

      boolean[] inputKept = vib.inputMask().kept(0);
      boolean[] gateKept = vib.gateMask().kept(0);
      int expectedInputs = 0;
      for (boolean k : inputKept) {
        expectedInputs += k ? 1 : 0;
      }
      int expectedHidden = 0;
      for (int j = 0; j < H; j++) {
        expectedHidden += gateKept[j] && gateKept[2 * H + j] && gateKept[3 * H + j] ? 1 : 0;
      }

      CompressedLstm pruned = Pruner.prune(vib);
      assertThat(pruned.readout()).isEqualTo(readout);
      assertThat(inputKept[1]).isFalse();
      assertThat(pruned.keptInputs()).doesNotContain(1);
      assertThat(pruned.inputSize()).isEqualTo(expectedInputs);
      assertThat(pruned.hiddenSize()).isEqualTo(expectedHidden).isLessThanOrEqualTo(H - 3);
      assertThat(pruned.gateScales()).contains(0f);

      float[][] masked = VibTrainer.logits(vib, data, 32);
      float[][][] clips = new float[data.size()][][];
      for (int i = 0; i < clips.length; i++) {
        clips[i] = data.sequence(i);
      }
      for (int batch : new int[] {1, 64}) {
        try (LstmRuntime runtime = LstmRuntimes.forBatch(pruned, batch)) {
          float[][] dense = runtime.logits(clips);
          double maxDiff = 0;
          for (int i = 0; i < clips.length; i++) {
            for (int k = 0; k < 3; k++) {
              maxDiff = Math.max(maxDiff, Math.abs(dense[i][k] - masked[i][k]));
            }
          }
          assertThat(maxDiff).as("max |logit difference| with %s", runtime).isLessThanOrEqualTo(1e-4);
        }
      }
    }
  }

  @Test
  void aModelPrunedOnExpandedDataAndFoldedReadsRawSequencesWithTheMaskedLogits() {
    SequenceDataset raw = ToyData.generate(90, 9, D, 6);
    SequenceDataset expanded = InputDeltas.expand(raw);
    try (NDManager manager = NDManager.newBaseManager();
        VibLstm plain = VibLstm.plain(manager, 2 * D, H, 3, 2);
        VibLstm vib = plain.withVibMasks(0, 3)) {
      VibTrainer.train(vib, expanded, TrainingSchedule.of(2, 5).withBatchSize(30).withBetas(1e-2, 1e-2)
          .withMaskLearningRate(5e-2), "vib", TrainingListener.NONE);
      // Prune one feature and one difference by hand; mask means away from 1.
      vib.inputMask().mu().set(new NDIndex(2), 0f);
      vib.inputMask().mu().set(new NDIndex(D + 1), 0f);
      vib.inputMask().mu().muli(manager.randomUniform(0.5f, 1.5f, vib.inputMask().mu().getShape()));

      CompressedLstm exported = InputDeltas.fold(Pruner.prune(vib));
      boolean[] kept = vib.inputMask().kept(0);
      assertThat(exported.featureDim()).isEqualTo(D);
      assertThat(exported.keptInputs()).doesNotContain(2, D + 1)
          .containsExactly(IntStream.range(0, 2 * D).filter(j -> kept[j]).toArray());

      float[][] masked = VibTrainer.logits(vib, expanded, 32);
      float[][][] clips = new float[raw.size()][][];
      for (int i = 0; i < clips.length; i++) {
        clips[i] = raw.sequence(i);
      }
      for (int batch : new int[] {1, 64}) {
        try (LstmRuntime runtime = LstmRuntimes.forBatch(exported, batch)) {
          float[][] dense = runtime.logits(clips);
          double maxDiff = 0;
          for (int i = 0; i < clips.length; i++) {
            for (int k = 0; k < 3; k++) {
              maxDiff = Math.max(maxDiff, Math.abs(dense[i][k] - masked[i][k]));
            }
          }
          assertThat(maxDiff).as("max |logit difference| with %s", runtime).isLessThanOrEqualTo(1e-4);
        }
      }
      assertThat(Evaluator.accuracyPercent(exported, raw))
          .isEqualTo(Evaluator.accuracyPercent(InputDeltas.unfold(exported), expanded));
      assertThatThrownBy(() -> VibLstm.frozen(manager, exported)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("InputDeltas.unfold");
    }
  }

  @Test
  void plainModelsComeOutWholeWithUnitScales() {
    try (NDManager manager = NDManager.newBaseManager(); VibLstm plain = VibLstm.plain(manager, D, H, 3, 2)) {
      CompressedLstm whole = Pruner.prune(plain);
      assertThat(whole.inputSize()).isEqualTo(D);
      assertThat(whole.hiddenSize()).isEqualTo(H);
      assertThat(whole.w()).containsExactly(plain.weights().get("w").toFloatArray());
      for (float s : whole.gateScales()) {
        assertThat(s).isEqualTo(1f);
      }
    }
  }
}
