package io.vibstream.model.backbone;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Trains a {@link BuiltinCnn} with its classifier head on labelled frames: Adam with a cosine
 * learning-rate schedule on mean cross-entropy, one {@link NDScope} per step and optimizer updates
 * outside it. Augmentations (if enabled): frames are resized to {@code size * 8 / 7} and a random
 * {@code size x size} crop taken, flipped horizontally with probability 1/2 and scaled in
 * brightness by a factor in [0.75, 1.25]. Normalization mean/std are the per-channel statistics
 * of the training frames. Runs on the GPU if DJL's PyTorch engine sees one.
 */
public final class BuiltinCnnTrainer {
  private BuiltinCnnTrainer() {}

  /**
   * Training settings.
   *
   * @param size square input size in pixels
   * @param channels channel width per conv block; the last is the feature dimension
   */
  public record Options(int size, int[] channels, int epochs, int batchSize, double learningRate, long seed,
      boolean augment) {
    public Options {
      BuiltinCnn.checkChannels(channels);
      channels = channels.clone();
      if (size < BuiltinCnn.minimumSize(channels)) {
        throw new IllegalArgumentException("size must be >= " + BuiltinCnn.minimumSize(channels) + " for "
            + channels.length + " conv blocks, got " + size);
      }
      if (epochs < 1 || batchSize < 1 || !(learningRate > 0)) {
        throw new IllegalArgumentException("epochs, batchSize and learningRate must be positive");
      }
    }

    /** 64x64, channels 16/32/64/96, 10 epochs, batch 32, learning rate 3e-3, seed 42, augmented. */
    public static Options defaults() {
      return new Options(BuiltinCnn.DEFAULT_SIZE, BuiltinCnn.DEFAULT_CHANNELS, 10, 32, 3e-3, 42, true);
    }

    @Override
    public int[] channels() {
      return channels.clone();
    }

    public Options withSize(int value) {
      return new Options(value, channels, epochs, batchSize, learningRate, seed, augment);
    }

    public Options withChannels(int... value) {
      return new Options(size, value, epochs, batchSize, learningRate, seed, augment);
    }

    public Options withEpochs(int value) {
      return new Options(size, channels, value, batchSize, learningRate, seed, augment);
    }

    public Options withBatchSize(int value) {
      return new Options(size, channels, epochs, value, learningRate, seed, augment);
    }

    public Options withLearningRate(double value) {
      return new Options(size, channels, epochs, batchSize, value, seed, augment);
    }

    public Options withSeed(long value) {
      return new Options(size, channels, epochs, batchSize, learningRate, value, augment);
    }

    public Options withAugment(boolean value) {
      return new Options(size, channels, epochs, batchSize, learningRate, seed, value);
    }
  }

  /** Frames with their class indices into the label list. */
  public record LabelledFrames(List<BufferedImage> frames, int[] labels) {
    public LabelledFrames {
      frames = List.copyOf(frames);
      labels = labels.clone();
      if (frames.size() != labels.length) {
        throw new IllegalArgumentException(frames.size() + " frames but " + labels.length + " labels");
      }
    }

    /** No frames. */
    public static LabelledFrames empty() {
      return new LabelledFrames(List.of(), new int[0]);
    }

    public int size() {
      return labels.length;
    }
  }

  /** One Adam step: loss and accuracy on the batch (training mode). */
  public record Step(int epoch, int epochs, int step, int stepsPerEpoch, double loss, double accuracy) {}

  /** Receives training progress. */
  public interface Listener {
    /** After every step. */
    void onStep(Step step);

    /**
     * After every epoch; {@code validationAccuracy} is NaN without validation frames.
     */
    default void onEpoch(int epoch, int epochs, double meanLoss, double trainAccuracy, double validationAccuracy) {}

    /** Ignores everything. */
    Listener NONE = step -> { };
  }

  /**
   * Trains from scratch and returns the artifact. Metrics: {@code train_loss} and
   * {@code train_accuracy} (last epoch, augmented, training mode), {@code validation_accuracy} (if
   * {@code validation} has frames; inference mode, no augmentation), {@code epochs},
   * {@code train_frames}, {@code validation_frames}, {@code seconds}.
   *
   * @param labels class names; frame labels index into it
   */
  public static BuiltinCnnArtifact train(LabelledFrames train, LabelledFrames validation, List<String> labels,
      Options options, Listener listener) {
    Objects.requireNonNull(listener, "listener");
    if (train.size() == 0) {
      throw new IllegalArgumentException("no training frames");
    }
    for (LabelledFrames set : List.of(train, validation)) {
      for (int y : set.labels()) {
        if (y < 0 || y >= labels.size()) {
          throw new IllegalArgumentException("frame label " + y + " is outside the " + labels.size() + " classes");
        }
      }
    }
    long start = System.nanoTime();
    int s = options.size();
    int p = options.augment() ? Math.max(s, Math.round(s * 8f / 7f)) : s;
    byte[][] pixels = planar(train.frames(), p);
    float[][] stats = channelStats(pixels);
    Preprocessing prep = Preprocessing.rgb(s, s, stats[0], stats[1]);
    int classes = labels.size();
    Engine.getEngine(TorchScriptExtractor.ENGINE).setRandomSeed((int) options.seed());
    SplittableRandom rnd = new SplittableRandom(options.seed());
    Map<String, Double> metrics = new LinkedHashMap<>();
    try (NDManager manager = NDManager.newBaseManager(DjlExtractor.device(TorchScriptExtractor.ENGINE),
        TorchScriptExtractor.ENGINE)) {
      SequentialBlock net = BuiltinCnn.withHead(BuiltinCnn.features(options.channels()), classes);
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, s, s));
      ParameterStore store = new ParameterStore(manager, false);
      int batch = Math.min(options.batchSize(), train.size());
      int steps = train.size() / batch;
      Tracker tracker = steps * options.epochs() > 1
          ? Tracker.cosine().setBaseValue((float) options.learningRate())
              .optFinalValue((float) (0.05 * options.learningRate())).setMaxUpdates(steps * options.epochs()).build()
          : Tracker.fixed((float) options.learningRate());
      Optimizer adam = Optimizer.adam().optLearningRateTracker(tracker).build();
      float[] x = new float[batch * 3 * s * s];
      int[] y = new int[batch];
      double lastLoss = 0;
      double lastAccuracy = 0;
      for (int epoch = 1; epoch <= options.epochs(); epoch++) {
        int[] order = shuffled(train.size(), rnd);
        double lossSum = 0;
        long correct = 0;
        for (int step = 0; step < steps; step++) {
          for (int k = 0; k < batch; k++) {
            int i = order[step * batch + k];
            fill(pixels[i], p, s, prep, options.augment() ? rnd : null, x, k);
            y[k] = train.labels()[i];
          }
          double loss;
          int batchCorrect;
          try (NDScope scope = new NDScope(); NDManager sub = manager.newSubManager()) {
            scope.suppressNotUsedWarning();
            NDArray input = sub.create(x, new Shape(batch, 3, s, s));
            NDArray target = sub.create(y);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
              NDArray logits = net.forward(store, new NDList(input), true).singletonOrThrow();
              NDArray total = logits.logSoftmax(1).mul(target.oneHot(classes)).sum(new int[] {1}).neg().mean();
              collector.backward(total);
              loss = total.getFloat();
              batchCorrect = countCorrect(logits.argMax(1).toLongArray(), y);
            }
          }
          // Outside the scope: Adam's state arrays must outlive the step.
          for (Pair<String, Parameter> e : net.getParameters()) {
            NDArray weight = e.getValue().getArray();
            if (weight.hasGradient()) {
              try (NDArray grad = weight.getGradient()) {
                adam.update(e.getValue().getId(), weight, grad);
                grad.subi(grad);
              }
            }
          }
          lossSum += loss;
          correct += batchCorrect;
          listener.onStep(new Step(epoch, options.epochs(), step + 1, steps, loss, batchCorrect / (double) batch));
        }
        lastLoss = lossSum / steps;
        lastAccuracy = correct / (double) (steps * batch);
        double validationAccuracy = validation.size() == 0 ? Double.NaN
            : accuracy(net, store, manager, validation, prep, batch);
        if (!Double.isNaN(validationAccuracy)) {
          metrics.put("validation_accuracy", validationAccuracy);
        }
        listener.onEpoch(epoch, options.epochs(), lastLoss, lastAccuracy, validationAccuracy);
      }
      metrics.put("train_loss", lastLoss);
      metrics.put("train_accuracy", lastAccuracy);
      metrics.put("epochs", (double) options.epochs());
      metrics.put("train_frames", (double) train.size());
      metrics.put("validation_frames", (double) validation.size());
      metrics.put("seconds", (System.nanoTime() - start) / 1e9);
      return BuiltinCnnArtifact.create(options.channels(), prep, labels, metrics, BuiltinCnnArtifact.weightsOf(net));
    }
  }

  /**
   * An untrained network with DJL's default initialization (for benchmarks): mean 0.5 and std
   * 0.25 per channel, batch-norm statistics at their initial values, one label per class name.
   */
  public static BuiltinCnnArtifact untrained(int size, int[] channels, List<String> labels, long seed) {
    Engine.getEngine(TorchScriptExtractor.ENGINE).setRandomSeed((int) seed);
    try (NDManager manager = NDManager.newBaseManager(TorchScriptExtractor.ENGINE)) {
      SequentialBlock net = BuiltinCnn.withHead(BuiltinCnn.features(channels), labels.size());
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, size, size));
      float[] mean = {0.5f, 0.5f, 0.5f};
      float[] std = {0.25f, 0.25f, 0.25f};
      return BuiltinCnnArtifact.create(channels, Preprocessing.rgb(size, size, mean, std), labels,
          Map.of("untrained", 1.0), BuiltinCnnArtifact.weightsOf(net));
    }
  }

  private static double accuracy(SequentialBlock net, ParameterStore store, NDManager manager, LabelledFrames set,
      Preprocessing prep, int batch) {
    int correct = 0;
    for (int start = 0; start < set.size(); start += batch) {
      int end = Math.min(set.size(), start + batch);
      try (NDScope scope = new NDScope(); NDManager sub = manager.newSubManager()) {
        scope.suppressNotUsedWarning();
        NDArray input = sub.create(prep.toTensor(set.frames().subList(start, end)), new Shape(prep.shape(end - start)));
        long[] predicted = net.forward(store, new NDList(input), false).singletonOrThrow().argMax(1).toLongArray();
        correct += countCorrect(predicted, Arrays.copyOfRange(set.labels(), start, end));
      }
    }
    return correct / (double) set.size();
  }

  /** Each frame resized to p x p, as planar RGB bytes [3][p][p]. */
  private static byte[][] planar(List<BufferedImage> frames, int p) {
    byte[][] out = new byte[frames.size()][];
    int[] rgb = new int[p * p];
    int plane = p * p;
    for (int n = 0; n < out.length; n++) {
      Preprocessing.resize(frames.get(n), p, p).getRGB(0, 0, p, p, rgb, 0, p);
      byte[] b = new byte[3 * plane];
      for (int i = 0; i < plane; i++) {
        b[i] = (byte) (rgb[i] >> 16);
        b[plane + i] = (byte) (rgb[i] >> 8);
        b[2 * plane + i] = (byte) rgb[i];
      }
      out[n] = b;
    }
    return out;
  }

  /** Per-channel mean and std of the pixels in [0, 1]; std at least 1e-3. */
  private static float[][] channelStats(byte[][] pixels) {
    double[] sum = new double[3];
    double[] sq = new double[3];
    long count = 0;
    for (byte[] b : pixels) {
      int plane = b.length / 3;
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < plane; i++) {
          double v = (b[c * plane + i] & 0xff) / 255.0;
          sum[c] += v;
          sq[c] += v * v;
        }
      }
      count += plane;
    }
    float[] mean = new float[3];
    float[] std = new float[3];
    for (int c = 0; c < 3; c++) {
      double m = sum[c] / count;
      mean[c] = (float) m;
      std[c] = (float) Math.max(1e-3, Math.sqrt(Math.max(0, sq[c] / count - m * m)));
    }
    return new float[][] {mean, std};
  }

  /** Writes example k of the batch: a (random or centred) s x s crop, flip and brightness if rnd is set. */
  private static void fill(byte[] src, int p, int s, Preprocessing prep, SplittableRandom rnd, float[] dst, int k) {
    int ox = rnd == null ? (p - s) / 2 : rnd.nextInt(p - s + 1);
    int oy = rnd == null ? (p - s) / 2 : rnd.nextInt(p - s + 1);
    boolean flip = rnd != null && rnd.nextBoolean();
    float gain = rnd == null ? 1f : (float) rnd.nextDouble(0.75, 1.25);
    float[] mean = prep.mean();
    float[] std = prep.std();
    int base = k * 3 * s * s;
    for (int c = 0; c < 3; c++) {
      float scale = gain / 255f / std[c];
      float shift = mean[c] / std[c];
      for (int r = 0; r < s; r++) {
        int row = c * p * p + (oy + r) * p + ox;
        int out = base + c * s * s + r * s;
        for (int col = 0; col < s; col++) {
          int v = src[row + (flip ? s - 1 - col : col)] & 0xff;
          dst[out + col] = Math.min(v * gain, 255f) * (scale / gain) - shift;
        }
      }
    }
  }

  private static int[] shuffled(int n, SplittableRandom rnd) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  private static int countCorrect(long[] predicted, int[] labels) {
    int correct = 0;
    for (int k = 0; k < predicted.length; k++) {
      correct += predicted[k] == labels[k] ? 1 : 0;
    }
    return correct;
  }
}
