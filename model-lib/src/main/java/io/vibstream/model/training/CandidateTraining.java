package io.vibstream.model.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.data.SequenceDataset;
import io.vibstream.model.eval.Evaluator;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.Readout;
import io.vibstream.model.training.TrainingClip;
import io.vibstream.model.vib.Compression;
import io.vibstream.model.vib.Pruner;
import io.vibstream.model.vib.TrainingListener;
import io.vibstream.model.vib.TrainingSchedule;
import io.vibstream.model.vib.VibLstm;
import io.vibstream.model.vib.VibTrainer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;

/**
 * One retraining of the retrain job: trains a candidate on a window's training clips ({@link Mode}),
 * prunes it, and measures it and the current model (the parent) on the same validation clips. Its
 * labels are the parent's, in order, then the new ones; the parent never predicts one it does not
 * know. Training runs on standardized {@link TrainingInputs}, so the candidate reads raw features like
 * any saved model. It uses one PyTorch intra-op thread (a process-wide setting), stops with a
 * {@link CancellationException} once its thread is interrupted, and runs one at a time per JVM (DJL's
 * PyTorch engine allows one gradient collector per process).
 */
public final class CandidateTraining {
  /**
   * Adam learning rate of the VIB masks: ten times the CLI's default, so a retraining of a few
   * hundred steps can prune (log sigma^2 starts near -9 and must pass log mu^2 for a unit to go).
   */
  private static final double MASK_LEARNING_RATE = 5e-2;
  private static final float NEVER = -1e9f;

  private CandidateTraining() {}

  /** Where the candidate starts from. */
  public enum Mode {
    /**
     * The parent's weights, with input deltas if it reads them. A dense parent (every input, unit gate
     * scales) trains for {@code epochs}, then VIB compression ({@code vibEpochs} with the VIB loss,
     * pruning, {@code fineTuneEpochs} with frozen masks); a compressed one trains for {@code epochs}
     * with its masks frozen. Without a parent, as {@link #FRESH}.
     */
    FINE_TUNE,
    /** A new LSTM of {@code hidden} units trains for {@code epochs}, then VIB compression as above. */
    FRESH
  }

  /**
   * How candidates train.
   *
   * @param mode fine-tune the parent or train afresh
   * @param hidden hidden size of a fresh LSTM, >= 1
   * @param epochs epochs of the first phase (fine-tuning or the fresh baseline), >= 1
   * @param vibEpochs epochs with the VIB loss, >= 0 (0: no compression)
   * @param fineTuneEpochs epochs with frozen masks after pruning, >= 0
   * @param batchSize clips per Adam step, >= 1
   * @param learningRate Adam learning rate of the weights (cosine-annealed per phase), > 0
   * @param beta VIB weight of the gate masks, >= 0
   * @param betaInput VIB weight of the input mask, >= 0
   * @param clipLength frames per clip without a parent (with one, the parent's), >= 1
   * @param seed seeds initialization, data order and mask noise
   */
  public record Settings(Mode mode, int hidden, int epochs, int vibEpochs, int fineTuneEpochs, int batchSize,
      double learningRate, double beta, double betaInput, int clipLength, long seed) implements Serializable {
    public Settings {
      if (mode == null || hidden < 1 || epochs < 1 || vibEpochs < 0 || fineTuneEpochs < 0 || batchSize < 1
          || !(learningRate > 0) || !(beta >= 0) || !(betaInput >= 0) || clipLength < 1) {
        throw new IllegalArgumentException("invalid training settings: mode=" + mode + ", hidden=" + hidden
            + ", epochs=" + epochs + ", vibEpochs=" + vibEpochs + ", fineTuneEpochs=" + fineTuneEpochs
            + ", batchSize=" + batchSize + ", learningRate=" + learningRate + ", beta=" + beta + ", betaInput="
            + betaInput + ", clipLength=" + clipLength);
      }
    }

    /**
     * Fine-tuning (H = 32 when fresh), 20 epochs, 10 VIB epochs (beta and betaInput 1e-2), 10
     * epochs with frozen masks, batch 16, lr 1e-2, T = 16 without a parent, seed 1.
     */
    public static Settings defaults() {
      return new Settings(Mode.FINE_TUNE, 32, 20, 10, 10, 16, 1e-2, 1e-2, 1e-2, 16, 1);
    }

    public Settings withMode(Mode value) {
      return new Settings(value, hidden, epochs, vibEpochs, fineTuneEpochs, batchSize, learningRate, beta, betaInput,
          clipLength, seed);
    }

    public Settings withEpochs(int first, int vib, int fineTune) {
      return new Settings(mode, hidden, first, vib, fineTune, batchSize, learningRate, beta, betaInput, clipLength,
          seed);
    }

    TrainingSchedule schedule(int phaseEpochs) {
      return new TrainingSchedule(phaseEpochs, batchSize, learningRate, MASK_LEARNING_RATE, beta, betaInput, 0, seed,
          true);
    }
  }

  /**
   * The window as data sets of one clip length, labels indexed alike.
   *
   * @param labels the candidate's labels
   */
  public record Data(List<String> labels, SequenceDataset train, SequenceDataset validation) {
    /**
     * The clips resampled to {@code clipLength} frames (frame k of the output is frame
     * {@code floor(k * T_i / clipLength)} of the clip), split by their validation flag.
     *
     * @param parentLabels the parent's labels, first and in order; empty without a parent
     * @throws IllegalArgumentException if a side has no clips or there are fewer than two labels
     */
    public static Data of(List<TrainingClip> clips, List<String> parentLabels, int clipLength, int dimension) {
      List<String> labels = new ArrayList<>(parentLabels);
      TreeSet<String> added = new TreeSet<>();
      for (TrainingClip clip : clips) {
        if (!labels.contains(clip.label())) {
          added.add(clip.label());
        }
      }
      labels.addAll(added);
      List<TrainingClip> train = clips.stream().filter(c -> !c.validation()).toList();
      List<TrainingClip> validation = clips.stream().filter(TrainingClip::validation).toList();
      if (train.isEmpty() || validation.isEmpty() || labels.size() < 2) {
        throw new IllegalArgumentException("the window holds " + train.size() + " training and " + validation.size()
            + " validation clips of " + labels.size() + " labels; a candidate needs at least one of each side and "
            + "two labels");
      }
      return new Data(List.copyOf(labels), dataset(train, labels, clipLength, dimension),
          dataset(validation, labels, clipLength, dimension));
    }

    private static SequenceDataset dataset(List<TrainingClip> clips, List<String> labels, int t, int d) {
      float[] data = new float[clips.size() * t * d];
      int[] targets = new int[clips.size()];
      for (int n = 0; n < clips.size(); n++) {
        TrainingClip clip = clips.get(n);
        for (int k = 0; k < t; k++) {
          int frame = (int) ((long) k * clip.frames() / t);
          System.arraycopy(clip.features(), frame * d, data, (n * t + k) * d, d);
        }
        targets[n] = labels.indexOf(clip.label());
      }
      return new SequenceDataset(data, targets, t, d, labels);
    }
  }

  /**
   * A trained, pruned candidate.
   *
   * @param accuracy its validation accuracy in percent
   * @param parentAccuracy the parent's on the same clips, or null without a parent
   * @param originalHidden hidden size before any pruning (of the fresh LSTM or the parent's origin)
   * @param beta VIB weight its masks were learned with (0 when it has none)
   * @param betaInput VIB weight of its input mask
   * @param training what was done, one line
   * @param millis wall time of training and evaluation
   */
  public record Candidate(CompressedLstm model, double accuracy, Double parentAccuracy, int originalHidden,
      double beta, double betaInput, String training, long millis) {}

  /** Trains and evaluates a candidate; {@code parent} may be null. */
  public static Candidate train(Data data, ModelArtifact parent, Settings settings) {
    long start = System.nanoTime();
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(1);
    TrainingListener cancellable = step -> {
      if (Thread.currentThread().isInterrupted()) {
        throw new CancellationException("retraining canceled");
      }
    };
    int classes = data.labels().size();
    int dimension = data.train().featureDim();
    CompressedLstm model;
    int originalHidden;
    double beta = settings.vibEpochs() > 0 ? settings.beta() : 0;
    double betaInput = settings.vibEpochs() > 0 ? settings.betaInput() : 0;
    String training;
    boolean deltas = parent != null && settings.mode() == Mode.FINE_TUNE && parent.model().inputDeltas();
    TrainingInputs.Fitted<SequenceDataset> fitted = TrainingInputs.fit(data.train(), deltas, true);
    TrainingInputs inputs = fitted.inputs();
    SequenceDataset train = fitted.data();
    try (NDManager manager = NDManager.newBaseManager()) {
      if (parent == null || settings.mode() == Mode.FRESH) {
        Readout readout = parent == null ? Readout.LAST : parent.model().readout();
        try (VibLstm fresh = VibLstm.plain(manager, dimension, settings.hidden(), classes, readout, settings.seed())) {
          VibTrainer.train(fresh, train, settings.schedule(settings.epochs()), "fresh", cancellable);
          model = compress(fresh, train, settings, cancellable);
        }
        originalHidden = settings.hidden();
        training = String.format(Locale.ROOT, "fresh LSTM (H=%d): %d epochs%s", settings.hidden(), settings.epochs(),
            compression(settings));
      } else {
        CompressedLstm initial = inputs.imported(withNewClasses(parent.model(), classes, settings.seed()));
        originalHidden = parent.manifest().originalHiddenSize();
        if (dense(initial)) {
          try (VibLstm plain = VibLstm.plain(manager, initial)) {
            VibTrainer.train(plain, train, settings.schedule(settings.epochs()), "fine-tune", cancellable);
            model = compress(plain, train, settings, cancellable);
          }
          training = String.format(Locale.ROOT, "fine-tuned v%d (dense, H=%d): %d epochs%s",
              parent.manifest().version(), initial.hiddenSize(), settings.epochs(), compression(settings));
        } else {
          try (VibLstm frozen = VibLstm.frozen(manager, initial)) {
            VibTrainer.train(frozen, train, settings.schedule(settings.epochs()), "fine-tune", cancellable);
            model = Pruner.prune(frozen);
          }
          var lineage = parent.manifest().lineage();
          beta = lineage == null ? 0 : lineage.beta();
          betaInput = lineage == null ? 0 : lineage.betaInput();
          training = String.format(Locale.ROOT, "fine-tuned v%d (compressed, D'=%d H'=%d) with its masks frozen: "
              + "%d epochs", parent.manifest().version(), initial.inputSize(), initial.hiddenSize(), settings.epochs());
        }
      }
    }
    model = inputs.exported(model);
    if (deltas) {
      training += " (input deltas)";
    }
    training += "; standardized inputs";
    training += String.format(Locale.ROOT, "; batch %d, Adam lr %s cosine, seed %d, T=%d, 1 PyTorch thread",
        settings.batchSize(), settings.learningRate(), settings.seed(), data.train().timeSteps());
    double accuracy = Evaluator.accuracyPercent(model, data.validation());
    Double parentAccuracy = parent == null ? null
        : Evaluator.accuracyPercent(extend(parent.model(), classes, new float[0], NEVER), data.validation());
    return new Candidate(model, accuracy, parentAccuracy, originalHidden, beta, betaInput, training,
        (System.nanoTime() - start) / 1_000_000);
  }

  private static CompressedLstm compress(VibLstm plain, SequenceDataset train, Settings settings,
      TrainingListener listener) {
    if (settings.vibEpochs() == 0) {
      return Pruner.prune(plain);
    }
    return Compression.compress(plain, train, settings.schedule(settings.vibEpochs()),
        settings.schedule(settings.fineTuneEpochs()), 0, listener).model();
  }

  private static String compression(Settings settings) {
    return settings.vibEpochs() == 0 ? ", not compressed" : String.format(Locale.ROOT,
        ", then %d VIB epochs (beta %s, beta_input %s, mask lr %s), pruning, %d epochs with frozen masks",
        settings.vibEpochs(), settings.beta(), settings.betaInput(), MASK_LEARNING_RATE, settings.fineTuneEpochs());
  }

  /** Every input kept and unit gate scales: what VIB masks can go on. */
  private static boolean dense(CompressedLstm m) {
    for (float s : m.gateScales()) {
      if (s != 1f) {
        return false;
      }
    }
    return m.inputSize() == m.featureDim();
  }

  /** {@code m} with classifier rows for classes {@code m.classes()..classes-1}, initialized as a fresh LSTM's. */
  private static CompressedLstm withNewClasses(CompressedLstm m, int classes, long seed) {
    Random random = new Random(seed);
    float k = (float) (1.0 / Math.sqrt(m.hiddenSize()));
    float[] rows = new float[(classes - m.classes()) * m.hiddenSize()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (random.nextFloat() * 2f - 1f) * k;
    }
    return extend(m, classes, rows, 0f);
  }

  private static CompressedLstm extend(CompressedLstm m, int classes, float[] newRows, float newBias) {
    if (classes == m.classes()) {
      return m;
    }
    float[] fcW = Arrays.copyOf(m.fcW(), classes * m.hiddenSize());
    System.arraycopy(newRows, 0, fcW, m.classes() * m.hiddenSize(), newRows.length);
    float[] fcB = Arrays.copyOf(m.fcB(), classes);
    Arrays.fill(fcB, m.classes(), classes, newBias);
    return m.toBuilder().classes(classes).classifier(fcW, fcB).build();
  }
}
