package io.vibstream.model.experiment;

import ai.djl.ndarray.NDManager;
import io.vibstream.model.data.DataSplit;
import io.vibstream.model.data.SequenceDataset;
import io.vibstream.model.eval.Evaluator;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.Readout;
import io.vibstream.model.vib.Compression;
import io.vibstream.model.vib.Distillation;
import io.vibstream.model.vib.Pruner;
import io.vibstream.model.vib.TrainingListener;
import io.vibstream.model.vib.TrainingSchedule;
import io.vibstream.model.vib.VibLstm;
import io.vibstream.model.vib.VibTrainer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Accuracy against LSTM size: trains the uncompressed baseline, one compressed model per beta
 * (VIB phase on the baseline's weights, pruning, fine-tuning), and a control LSTM of the best
 * compressed size trained from scratch with the same number of epochs. Every accuracy is the
 * test accuracy of the dense model as {@link Evaluator} runs it.
 */
public final class Sweep {
  /** Row name prefix of the compressed models. */
  public static final String VIB = "vib";

  /**
   * What to train.
   *
   * @param hidden hidden size H of the baseline
   * @param betas one compressed model per gate beta
   * @param betaInputRatio beta_v = ratio * beta
   * @param baseline schedule of the baseline (and, with all phases' epochs summed, of the control)
   * @param vib schedule of the VIB phase (its betas are set per row)
   * @param fineTune schedule of fine-tuning with frozen masks
   * @param threshold log alpha pruning threshold
   * @param tolerancePoints a compressed row qualifies as "as good" within this many accuracy points
   * @param distillWeight 0, or the weight of the baseline's soft targets ({@link Distillation}) in
   *     the compressed rows' fine-tuning and the control's training
   * @param distillTemperature temperature of those soft targets
   * @param readout what the classifier of every model in the sweep reads (h_T or the mean of h_t)
   */
  public record Settings(int hidden, List<Double> betas, double betaInputRatio, TrainingSchedule baseline,
      TrainingSchedule vib, TrainingSchedule fineTune, double threshold, double tolerancePoints,
      double distillWeight, double distillTemperature, Readout readout) {
    public Settings {
      betas = List.copyOf(betas);
      Objects.requireNonNull(readout, "readout");
      if (hidden < 1 || betas.isEmpty()) {
        throw new IllegalArgumentException("need hidden >= 1 and at least one beta");
      }
      if (!(distillWeight >= 0 && distillWeight <= 1) || !(distillTemperature > 0)) {
        throw new IllegalArgumentException("distillation weight must be in [0, 1] and temperature > 0, got "
            + distillWeight + " and " + distillTemperature);
      }
    }

    /** Settings without distillation, models with the last-step readout. */
    public Settings(int hidden, List<Double> betas, double betaInputRatio, TrainingSchedule baseline,
        TrainingSchedule vib, TrainingSchedule fineTune, double threshold, double tolerancePoints) {
      this(hidden, betas, betaInputRatio, baseline, vib, fineTune, threshold, tolerancePoints, 0, 1, Readout.LAST);
    }

    /** Epochs a compressed row trains in all phases; the scratch control gets the same. */
    public int epochBudget() {
      return baseline.epochs() + vib.epochs() + fineTune.epochs();
    }
  }

  /** One line of the table. */
  public record Row(String model, CompressedLstm compressed, double accuracy, Double beta, String training) {
    public Row {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(compressed, "compressed");
    }

    public int inputSize() {
      return compressed.inputSize();
    }

    public int hiddenSize() {
      return compressed.hiddenSize();
    }

    public long lstmParams() {
      return compressed.lstmParams();
    }
  }

  /** All rows in order (baseline, compressed rows, scratch) and the best compressed row. */
  public record Result(List<Row> rows, Row baseline, Row best, Row scratch) {}

  private Sweep() {}

  /** Runs the sweep; {@code onRow} sees each row as soon as it is evaluated. */
  public static Result run(DataSplit data, Settings settings, TrainingListener listener, Consumer<Row> onRow) {
    return run(data, settings, null, listener, onRow);
  }

  /**
   * Runs the sweep from an already trained baseline (as a previous sweep saved it) instead of
   * training one; {@code settings.baseline()} still names its epochs for the control's budget.
   * A null {@code trainedBaseline} trains the baseline.
   */
  public static Result run(DataSplit data, Settings settings, CompressedLstm trainedBaseline,
      TrainingListener listener, Consumer<Row> onRow) {
    SequenceDataset train = data.train();
    SequenceDataset test = data.test();
    int classes = train.classNames().size();
    List<Row> rows = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager()) {
      Row baselineRow;
      Distillation teacher;
      List<Row> vibRows = new ArrayList<>();
      try (VibLstm baseline = trainedBaseline == null
          ? VibLstm.plain(manager, train.featureDim(), settings.hidden(), classes, settings.readout(),
              settings.baseline().seed())
          : VibLstm.plain(manager, trainedBaseline)) {
        if (trainedBaseline == null) {
          VibTrainer.train(baseline, train, settings.baseline(), "baseline", listener);
        } else if (baseline.hiddenSize() != settings.hidden() || baseline.featureDim() != train.featureDim()
            || baseline.classes() != classes || baseline.readout() != settings.readout()) {
          throw new IllegalArgumentException("the given baseline is " + baseline.featureDim() + "x"
              + baseline.hiddenSize() + " with " + baseline.classes() + " classes and the " + baseline.readout().id()
              + " readout; the sweep needs " + train.featureDim() + "x" + settings.hidden() + " with " + classes
              + " and the " + settings.readout().id() + " readout");
        }
        CompressedLstm dense = Pruner.prune(baseline);
        baselineRow = new Row("baseline", dense, Evaluator.accuracyPercent(dense, test), null,
            settings.baseline().epochs() + " epochs" + (trainedBaseline == null ? "" : " (loaded)"));
        emit(rows, baselineRow, onRow);
        teacher = settings.distillWeight() == 0 ? null : new Distillation(VibTrainer.logits(baseline, train, 256),
            settings.distillWeight(), settings.distillTemperature());
        for (double beta : settings.betas()) {
          TrainingSchedule vib = settings.vib().withBetas(beta, beta * settings.betaInputRatio());
          Compression.Outcome outcome = Compression.compress(baseline, train, vib, settings.fineTune(),
              settings.threshold(), teacher, listener);
          Row row = new Row(vibRowName(beta), outcome.model(), Evaluator.accuracyPercent(outcome.model(), test),
              beta, String.format("%d baseline + %d VIB + %d fine-tune epochs%s; after VIB D'=%d H'=%d",
                  settings.baseline().epochs(), vib.epochs(), settings.fineTune().epochs(), distilled(teacher),
                  outcome.vibInputs(), outcome.vibHidden()));
          vibRows.add(row);
          emit(rows, row, onRow);
        }
      }
      Row best = best(vibRows, baselineRow.accuracy() - settings.tolerancePoints());
      CompressedLstm control;
      try (VibLstm scratch = VibLstm.plain(manager, train.featureDim(), best.compressed().keptInputs(),
          best.hiddenSize(), classes, settings.readout(), settings.baseline().seed() + 1)) {
        VibTrainer.train(scratch, train, settings.baseline().withEpochs(settings.epochBudget()), teacher, "scratch",
            listener);
        control = Pruner.prune(scratch);
      }
      Row scratchRow = new Row("scratch", control, Evaluator.accuracyPercent(control, test), null,
          settings.epochBudget() + " epochs from scratch" + distilled(teacher) + " at the size of " + best.model());
      emit(rows, scratchRow, onRow);
      return new Result(rows, baselineRow, best, scratchRow);
    }
  }

  /**
   * The smallest compressed row whose accuracy reaches {@code minAccuracy}; if none does, the
   * most accurate one.
   */
  public static Row best(List<Row> vibRows, double minAccuracy) {
    return vibRows.stream()
        .filter(r -> r.accuracy() >= minAccuracy)
        .min(Comparator.comparingLong(Row::lstmParams).thenComparing(Comparator.comparingDouble(Row::accuracy).reversed()))
        .orElseGet(() -> vibRows.stream().max(Comparator.comparingDouble(Row::accuracy)).orElseThrow());
  }

  private static String distilled(Distillation teacher) {
    return teacher == null ? "" : String.format(Locale.ROOT, ", distilled from the baseline (weight %.2f, T %.1f)",
        teacher.weight(), teacher.temperature());
  }

  private static void emit(List<Row> rows, Row row, Consumer<Row> onRow) {
    rows.add(row);
    onRow.accept(row);
  }

  /** The row (and model file) name of a beta, in plain decimals: {@code vib-beta0.0009}, not {@code 9.0E-4}. */
  static String vibRowName(double beta) {
    return VIB + "-beta" + BigDecimal.valueOf(beta).stripTrailingZeros().toPlainString();
  }
}
