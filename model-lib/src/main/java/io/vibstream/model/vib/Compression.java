package io.vibstream.model.vib;

import io.vibstream.model.data.SequenceDataset;
import io.vibstream.model.lstm.CompressedLstm;

/**
 * The VIB-LSTM compression schedule after the baseline: VIB training on the baseline's weights,
 * pruning to a dense model, then (optionally) fine-tuning the sliced model with its masks frozen
 * at their means, and slicing again.
 */
public final class Compression {
  private Compression() {}

  /** What compression produced: the final model and the size right after the VIB phase. */
  public record Outcome(CompressedLstm model, int vibInputs, int vibHidden) {}

  /**
   * Compresses a copy of {@code baseline} (which is left unchanged).
   *
   * @param vib schedule of the VIB phase (betas, mask learning rate, warm-up)
   * @param fineTune schedule of the fine-tuning phase; 0 epochs skips it
   * @param threshold log alpha pruning threshold (0 in the paper)
   */
  public static Outcome compress(VibLstm baseline, SequenceDataset train, TrainingSchedule vib,
      TrainingSchedule fineTune, double threshold, TrainingListener listener) {
    return compress(baseline, train, vib, fineTune, threshold, null, listener);
  }

  /**
   * As {@link #compress(VibLstm, SequenceDataset, TrainingSchedule, TrainingSchedule, double,
   * TrainingListener)}, the fine-tuning distilled from {@code teacher} when it is not null. The VIB
   * phase learns from the labels alone: the teacher's soft targets carry more than the labels, so
   * with them the same beta prunes far less (a run kept 76 inputs and 94 hidden units where the
   * labels alone kept 21 and 15).
   */
  public static Outcome compress(VibLstm baseline, SequenceDataset train, TrainingSchedule vib,
      TrainingSchedule fineTune, double threshold, Distillation teacher, TrainingListener listener) {
    CompressedLstm pruned;
    try (VibLstm masked = baseline.withVibMasks(threshold, vib.seed())) {
      VibTrainer.train(masked, train, vib, "vib", listener);
      pruned = Pruner.prune(masked);
    }
    if (fineTune.epochs() == 0) {
      return new Outcome(pruned, pruned.inputSize(), pruned.hiddenSize());
    }
    try (VibLstm sliced = VibLstm.frozen(baseline.parentManager(), pruned)) {
      VibTrainer.train(sliced, train, fineTune, teacher, "fine-tune", listener);
      return new Outcome(Pruner.prune(sliced), pruned.inputSize(), pruned.hiddenSize());
    }
  }
}
