package io.vibstream.model.vib;

/** Receives progress from {@link VibTrainer}; the CLI draws its progress bar from it. */
public interface TrainingListener {
  /** Statistics of one Adam step (accuracy on the batch, in training mode). */
  record Step(String phase, int epoch, int epochs, int step, int stepsPerEpoch, double loss, double accuracy,
      int keptInputs, int keptHidden) {}

  /** Called after every step. */
  void onStep(Step step);

  /** Called after every epoch with the mean loss and training accuracy of that epoch. */
  default void onEpoch(String phase, int epoch, int epochs, double meanLoss, double accuracy) {}

  /** A listener that ignores everything. */
  TrainingListener NONE = step -> { };
}
