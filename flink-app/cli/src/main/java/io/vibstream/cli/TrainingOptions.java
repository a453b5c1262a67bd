package io.vibstream.cli;

import io.vibstream.model.lstm.Readout;
import io.vibstream.model.training.LstmTraining;
import io.vibstream.model.vib.TrainingSchedule;
import java.util.List;
import picocli.CommandLine.Option;

/** Data and schedule options shared by {@code train} and {@code sweep}: {@link LstmTraining.Settings}. */
final class TrainingOptions {
  @Option(names = "--data", required = true, paramLabel = "SPEC",
      description = "idx:DIR (MNIST-format IDX files) or features:DIR[:clipLength] (per-clip feature sequences)")
  String data;

  @Option(names = "--extra-train", paramLabel = "SPEC", description = "more training data, same backbone and "
      + "classes: its training split is added to --data's (its test split is not used); repeatable")
  List<String> extraTrain = List.of();

  @Option(names = "--hidden", required = true, paramLabel = "H", description = "hidden size of the uncompressed LSTM")
  int hidden;

  @Option(names = "--epochs", paramLabel = "E", description = "baseline epochs (default: ${DEFAULT-VALUE})")
  int epochs = 8;

  @Option(names = "--vib-epochs", paramLabel = "N", description = "VIB (pruning) epochs (default: ${DEFAULT-VALUE})")
  int vibEpochs = 1;

  @Option(names = "--finetune-epochs", paramLabel = "N",
      description = "fine-tuning epochs of the pruned model with frozen masks (default: same as --epochs)")
  Integer fineTuneEpochs;

  @Option(names = "--batch-size", description = "examples per Adam step (default: ${DEFAULT-VALUE})")
  int batchSize = 128;

  @Option(names = "--lr", description = "Adam learning rate of the weights (default: ${DEFAULT-VALUE})")
  double learningRate = 1e-3;

  @Option(names = "--mask-lr", description = "Adam learning rate of the VIB masks (default: ${DEFAULT-VALUE})")
  double maskLearningRate = 5e-3;

  /** How learning rates move within a phase. */
  enum LrSchedule { constant, cosine }

  @Option(names = "--lr-schedule", description = "constant, or cosine annealing to 5%% within each phase (default: ${DEFAULT-VALUE})")
  LrSchedule lrSchedule = LrSchedule.cosine;

  @Option(names = "--kl-warmup", paramLabel = "STEPS",
      description = "steps over which the KL weight ramps up from 0 (default: ${DEFAULT-VALUE})")
  int klWarmup = 0;

  @Option(names = "--threshold", description = "log alpha pruning threshold (default: ${DEFAULT-VALUE})")
  double threshold = 0;

  @Option(names = "--max-train", paramLabel = "N", description = "use at most N training examples (a seeded sample)")
  Integer maxTrain;

  @Option(names = "--seed", description = "seed of initialization, data order and mask noise (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--standardize", description = "train on features standardized per column (mean and std of the "
      + "training split); folded into the saved model's input weights, so it reads raw features")
  boolean standardize;

  @Option(names = "--deltas", description = "train on u_t = [x_t, x_t - x_{t-1}] (each step's difference to the step "
      + "before appended, 0 at the first step; twice the features); the saved model forms the differences itself, so "
      + "it reads raw features")
  boolean deltas;

  @Option(names = "--readout", paramLabel = "last|mean", converter = ReadoutConverter.class,
      description = "what the classifier reads: h_T of the last step, or the mean of h_t over the clip (default: last)")
  Readout readout = Readout.LAST;

  /** Parses {@code --readout}. */
  static final class ReadoutConverter implements picocli.CommandLine.ITypeConverter<Readout> {
    @Override
    public Readout convert(String value) {
      return Readout.of(value);
    }
  }

  @Option(names = "--mirror", paramLabel = "JOINTS",
      description = "add the horizontal mirror image of every training clip of pose features (x0,y0,...,c0,... of K "
      + "joints: x -> 1 - x): 'same' if joints keep their labels in the mirror image (the synth renderer), else the "
      + "permutation p0,...,p(K-1) (joint j of the mirror image is joint pj, e.g. left and right swapped)")
  String mirror;

  /** The library's settings from the options; one-line errors for bad values. */
  LstmTraining.Settings settings() {
    if (hidden < 1) {
      throw new IllegalArgumentException("--hidden must be >= 1, got " + hidden);
    }
    int fineTune = fineTuneEpochs == null ? epochs : fineTuneEpochs;
    if (epochs < 1 || vibEpochs < 0 || fineTune < 0) {
      throw new IllegalArgumentException("--epochs must be >= 1, --vib-epochs and --finetune-epochs >= 0");
    }
    if (maxTrain != null && maxTrain < 1) {
      throw new IllegalArgumentException("--max-train must be >= 1, got " + maxTrain);
    }
    TrainingSchedule baseline = new TrainingSchedule(epochs, batchSize, learningRate, maskLearningRate, 0, 0, klWarmup,
        seed, lrSchedule == LrSchedule.cosine);
    return new LstmTraining.Settings(data, extraTrain, maxTrain, mirror, deltas, standardize, hidden, readout, baseline,
        vibEpochs, fineTune, threshold);
  }
}
