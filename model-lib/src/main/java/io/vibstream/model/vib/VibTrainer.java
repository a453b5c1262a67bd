package io.vibstream.model.vib;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.vibstream.model.data.SequenceDataset;
import java.util.Map;

/**
 * Trains a {@link VibLstm} with Adam on mean cross-entropy, plus for VIB models the KL penalty
 * {@code beta * KL(gates) + betaInput * KL(input)}, ramped in over {@code klWarmupSteps}. Weights
 * and mask parameters have separate Adam learning rates. The phase follows the model's kind:
 * plain models train as the baseline, VIB models prune, frozen models fine-tune their weights.
 */
public final class VibTrainer {
  private static final int KEPT_REFRESH_STEPS = 10;

  private VibTrainer() {}

  /** Runs {@code schedule.epochs()} epochs over {@code data}. */
  public static void train(VibLstm model, SequenceDataset data, TrainingSchedule schedule, String phase,
      TrainingListener listener) {
    train(model, data, schedule, null, phase, listener);
  }

  /**
   * Runs {@code schedule.epochs()} epochs over {@code data}, the cross-entropy mixed with the
   * soft targets of {@code teacher} when it is not null (it must have scored exactly {@code data}).
   */
  public static void train(VibLstm model, SequenceDataset data, TrainingSchedule schedule, Distillation teacher,
      String phase, TrainingListener listener) {
    if (teacher != null && (teacher.examples() != data.size() || teacher.classes() != model.classes())) {
      throw new IllegalArgumentException("the teacher scored " + teacher.examples() + " examples of "
          + teacher.classes() + " classes, the data has " + data.size() + " of " + model.classes());
    }
    if (data.featureDim() != model.featureDim()) {
      throw new IllegalArgumentException("data has " + data.featureDim() + " features, the model reads "
          + model.featureDim());
    }
    Engine.getInstance().setRandomSeed((int) schedule.seed());
    int batchSize = Math.min(schedule.batchSize(), data.size());
    int steps = data.size() / batchSize;
    Optimizer weightOpt = adam(schedule.learningRate(), schedule.cosine(), steps * schedule.epochs());
    Optimizer maskOpt = adam(schedule.maskLearningRate(), schedule.cosine(), steps * schedule.epochs());
    int[] inputs = model.inputIndices();
    float[] batchX = new float[batchSize * data.timeSteps() * inputs.length];
    float[] sequence = new float[data.timeSteps() * data.featureDim()];
    int[] batchY = new int[batchSize];
    float[] batchSoft = teacher == null ? null : new float[batchSize * model.classes()];
    int keptIn = model.keptInputs();
    int keptHid = model.keptHidden();
    int globalStep = 0;
    NDManager root = model.weights().get("w").getManager();
    for (int epoch = 1; epoch <= schedule.epochs(); epoch++) {
      int[] order = data.shuffledIndices(schedule.seed() * 31 + epoch);
      double lossSum = 0;
      long correct = 0;
      for (int step = 0; step < steps; step++) {
        for (int k = 0; k < batchSize; k++) {
          int example = order[step * batchSize + k];
          gather(data, example, inputs, sequence, batchX, k);
          batchY[k] = data.label(example);
          if (teacher != null) {
            teacher.copyTargets(example, batchSoft, k * model.classes());
          }
        }
        double warm = schedule.klWarmupSteps() == 0 ? 1 : Math.min(1.0, (globalStep + 1.0) / schedule.klWarmupSteps());
        double loss;
        int batchCorrect;
        try (NDScope scope = new NDScope(); NDManager batch = root.newSubManager()) {
          scope.suppressNotUsedWarning();
          NDArray x = batch.create(batchX, new Shape(batchSize, data.timeSteps(), inputs.length));
          NDArray y = batch.create(batchY);
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = model.forward(batch, x, true);
            NDArray total = logits.logSoftmax(1).mul(y.oneHot(model.classes())).sum(new int[] {1}).neg().mean();
            if (teacher != null) {
              float t = (float) teacher.temperature();
              NDArray soft = batch.create(batchSoft, new Shape(batchSize, model.classes()));
              NDArray distilled = logits.div(t).logSoftmax(1).mul(soft).sum(new int[] {1}).neg().mean();
              total = total.mul((float) (1 - teacher.weight())).add(distilled.mul((float) (teacher.weight() * t * t)));
            }
            loss = total.getFloat();
            if (model.kind() == VibLstm.Kind.VIB) {
              total = total.add(model.gateKl().mul(schedule.beta() * warm))
                  .add(model.inputKl().mul(schedule.betaInput() * warm));
            }
            collector.backward(total);
            batchCorrect = countCorrect(logits, batchY);
          }
        }
        // Outside the scope: Adam's moment arrays must outlive this step.
        update(weightOpt, model.weights());
        update(maskOpt, model.maskParameters());
        globalStep++;
        lossSum += loss;
        correct += batchCorrect;
        if (model.kind() == VibLstm.Kind.VIB && (step % KEPT_REFRESH_STEPS == 0 || step == steps - 1)) {
          keptIn = model.keptInputs();
          keptHid = model.keptHidden();
        }
        listener.onStep(new TrainingListener.Step(phase, epoch, schedule.epochs(), step + 1, steps, loss,
            batchCorrect / (double) batchSize, keptIn, keptHid));
      }
      listener.onEpoch(phase, epoch, schedule.epochs(), lossSum / steps, correct / (double) (steps * batchSize));
    }
  }

  /** Inference-mode logits of every example, [N][C], computed with DJL in batches. */
  public static float[][] logits(VibLstm model, SequenceDataset data, int batchSize) {
    int[] inputs = model.inputIndices();
    int t = data.timeSteps();
    float[] sequence = new float[t * data.featureDim()];
    float[][] out = new float[data.size()][];
    NDManager root = model.weights().get("w").getManager();
    for (int start = 0; start < data.size(); start += batchSize) {
      int n = Math.min(batchSize, data.size() - start);
      float[] x = new float[n * t * inputs.length];
      for (int k = 0; k < n; k++) {
        gather(data, start + k, inputs, sequence, x, k);
      }
      try (NDScope scope = new NDScope(); NDManager batch = root.newSubManager()) {
        scope.suppressNotUsedWarning();
        float[] logits = model.forward(batch, batch.create(x, new Shape(n, t, inputs.length)), false).toFloatArray();
        for (int k = 0; k < n; k++) {
          out[start + k] = java.util.Arrays.copyOfRange(logits, k * model.classes(), (k + 1) * model.classes());
        }
      }
    }
    return out;
  }

  private static Optimizer adam(double learningRate, boolean cosine, int totalSteps) {
    Tracker tracker = cosine && totalSteps > 1
        ? Tracker.cosine().setBaseValue((float) learningRate).optFinalValue((float) (0.05 * learningRate))
            .setMaxUpdates(totalSteps).build()
        : Tracker.fixed((float) learningRate);
    return Optimizer.adam().optLearningRateTracker(tracker).build();
  }

  private static void gather(SequenceDataset data, int example, int[] inputs, float[] sequence, float[] dst, int k) {
    int t = data.timeSteps();
    int d = data.featureDim();
    int di = inputs.length;
    data.copySequence(example, sequence, 0);
    int base = k * t * di;
    if (di == d) {
      System.arraycopy(sequence, 0, dst, base, t * d);
      return;
    }
    for (int s = 0; s < t; s++) {
      for (int j = 0; j < di; j++) {
        dst[base + s * di + j] = sequence[s * d + inputs[j]];
      }
    }
  }

  private static int countCorrect(NDArray logits, int[] labels) {
    long[] predicted = logits.argMax(1).toLongArray();
    int correct = 0;
    for (int k = 0; k < labels.length; k++) {
      correct += predicted[k] == labels[k] ? 1 : 0;
    }
    return correct;
  }

  private static void update(Optimizer optimizer, Map<String, NDArray> parameters) {
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      try (NDArray grad = e.getValue().getGradient()) {
        optimizer.update(e.getKey(), e.getValue(), grad);
        grad.subi(grad);
      }
    }
  }
}
