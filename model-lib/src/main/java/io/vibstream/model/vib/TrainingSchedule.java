package io.vibstream.model.vib;

/**
 * Hyper-parameters of one training phase.
 *
 * @param epochs passes over the training data
 * @param batchSize examples per Adam step
 * @param learningRate Adam learning rate of the LSTM and classifier weights
 * @param maskLearningRate Adam learning rate of the mask parameters (VIB phase)
 * @param beta weight of the gate KL terms (VIB phase)
 * @param betaInput weight of the input KL term (VIB phase)
 * @param klWarmupSteps steps over which the KL weights ramp linearly from 0 to beta (0: none)
 * @param seed seeds the data order and the mask noise
 * @param cosine whether both learning rates anneal along a cosine to 5% of their start over the phase
 */
public record TrainingSchedule(int epochs, int batchSize, double learningRate, double maskLearningRate,
    double beta, double betaInput, int klWarmupSteps, long seed, boolean cosine) {

  public TrainingSchedule {
    if (epochs < 0 || batchSize < 1) {
      throw new IllegalArgumentException("epochs must be >= 0 and batchSize >= 1");
    }
    if (!(learningRate > 0) || !(maskLearningRate > 0)) {
      throw new IllegalArgumentException("learning rates must be > 0");
    }
    if (beta < 0 || betaInput < 0 || klWarmupSteps < 0) {
      throw new IllegalArgumentException("beta, betaInput and klWarmupSteps must be >= 0");
    }
  }

  /** Defaults from the calibration runs: batch 128, Adam 1e-3 for weights, 5e-3 for masks. */
  public static TrainingSchedule of(int epochs, long seed) {
    return new TrainingSchedule(epochs, 128, 1e-3, 5e-3, 0, 0, 0, seed, false);
  }

  public TrainingSchedule withEpochs(int value) {
    return new TrainingSchedule(value, batchSize, learningRate, maskLearningRate, beta, betaInput, klWarmupSteps, seed, cosine);
  }

  public TrainingSchedule withBetas(double gates, double input) {
    return new TrainingSchedule(epochs, batchSize, learningRate, maskLearningRate, gates, input, klWarmupSteps, seed, cosine);
  }

  public TrainingSchedule withMaskLearningRate(double value) {
    return new TrainingSchedule(epochs, batchSize, learningRate, value, beta, betaInput, klWarmupSteps, seed, cosine);
  }

  public TrainingSchedule withLearningRate(double value) {
    return new TrainingSchedule(epochs, batchSize, value, maskLearningRate, beta, betaInput, klWarmupSteps, seed, cosine);
  }

  public TrainingSchedule withKlWarmupSteps(int value) {
    return new TrainingSchedule(epochs, batchSize, learningRate, maskLearningRate, beta, betaInput, value, seed, cosine);
  }

  public TrainingSchedule withCosine(boolean value) {
    return new TrainingSchedule(epochs, batchSize, learningRate, maskLearningRate, beta, betaInput, klWarmupSteps, seed,
        value);
  }

  public TrainingSchedule withBatchSize(int value) {
    return new TrainingSchedule(epochs, value, learningRate, maskLearningRate, beta, betaInput, klWarmupSteps, seed, cosine);
  }
}
