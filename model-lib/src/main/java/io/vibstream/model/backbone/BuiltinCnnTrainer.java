package io.vibstream.model.backbone;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
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
 * Trains a {@link BuiltinCnn} with its classifier head on labeled frames: Adam with a cosine
 * learning-rate schedule on mean cross-entropy, one {@link NDScope} per step and optimizer updates
 * outside it. Augmentations (if enabled): frames are resized to {@code size}, padded by
 * {@code size / 8} pixels on every side (edge pixels repeated) and a random {@code size x size}
 * window taken, so training sees the same scale as inference (whole frames) shifted by up to 1/8;
 * flipped horizontally with probability 1/2; per-channel gain in [0.6, 1.4] and offset in
 * [-0.1, 0.1], turned to grayscale with probability 1/5, plus pixel noise (std up to 0.04), so
 * that unseen scenes and clothing colors look like seen ones. Normalization mean/std are the per-channel statistics
 * of the training frames. Runs on the GPU if DJL's PyTorch engine sees one.
 *
 * <p><b>Pose supervision.</b> When the training frames carry keypoint targets
 * ({@link LabeledFrames#keypoints}: per frame {@code x0, y0, x1, y1, ...} in image coordinates
 * normalized to [0, 1]), the pose network of {@link BuiltinCnn#features(int[], int)} is trained:
 * its soft-argmax positions (the first {@code 2K} features) regress the keypoints with an L1 loss,
 * and each heatmap's softmax is pulled toward a Gaussian around its joint (sigma one heatmap
 * cell, cross-entropy; joints outside the frame are left out), which trains sharp heatmaps much
 * faster than the coordinate loss alone. The loss is {@code actionWeight * CE + keypointWeight *
 * (L1 + heatmap CE)} (the classifier head reads the pose features). The augmentations move the targets with the pixels
 * ({@link #transformKeypoints}): the crop shifts and scales them, the flip mirrors x and permutes
 * the joints by the frames' {@code flipPermutation}.
 */
public final class BuiltinCnnTrainer {
  private BuiltinCnnTrainer() {}

  /**
   * Training settings.
   *
   * @param size square input size in pixels
   * @param channels channel width per conv block; the last is the feature dimension
   */
  public record Settings(int size, int[] channels, int epochs, int batchSize, double learningRate, long seed,
      boolean augment, double actionWeight, double keypointWeight) {
    /** Default weight of the action cross-entropy when keypoint targets are present. */
    public static final double DEFAULT_ACTION_WEIGHT = 0.01;
    /** Default weight of the keypoint L1 loss (normalized units). */
    public static final double DEFAULT_KEYPOINT_WEIGHT = 1;

    /** Default loss weights. */
    public Settings(int size, int[] channels, int epochs, int batchSize, double learningRate, long seed,
        boolean augment) {
      this(size, channels, epochs, batchSize, learningRate, seed, augment, DEFAULT_ACTION_WEIGHT,
          DEFAULT_KEYPOINT_WEIGHT);
    }

    public Settings {
      if (!(actionWeight >= 0) || !(keypointWeight >= 0) || actionWeight + keypointWeight == 0
          || Double.isInfinite(actionWeight) || Double.isInfinite(keypointWeight)) {
        throw new IllegalArgumentException("loss weights must be finite, >= 0 and not both 0, got action "
            + actionWeight + ", keypoints " + keypointWeight);
      }
      BuiltinCnn.checkChannels(channels);
      channels = channels.clone();
      if (size < BuiltinCnn.minimumSize(channels, 1)) {
        throw new IllegalArgumentException("size must be >= " + BuiltinCnn.minimumSize(channels, 1) + ", got "
            + size);
      }
      if (epochs < 1 || batchSize < 1 || !(learningRate > 0)) {
        throw new IllegalArgumentException("epochs, batchSize and learningRate must be positive");
      }
    }

    /** 64x64, channels 16/32/64/96, 10 epochs, batch 32, learning rate 3e-3, seed 42, augmented. */
    public static Settings defaults() {
      return new Settings(BuiltinCnn.DEFAULT_SIZE, BuiltinCnn.DEFAULT_CHANNELS, 10, 32, 3e-3, 42, true);
    }

    @Override
    public int[] channels() {
      return channels.clone();
    }

    public Settings withSize(int value) {
      return new Settings(value, channels, epochs, batchSize, learningRate, seed, augment, actionWeight, keypointWeight);
    }

    public Settings withChannels(int... value) {
      return new Settings(size, value, epochs, batchSize, learningRate, seed, augment, actionWeight, keypointWeight);
    }

    public Settings withEpochs(int value) {
      return new Settings(size, channels, value, batchSize, learningRate, seed, augment, actionWeight, keypointWeight);
    }

    public Settings withBatchSize(int value) {
      return new Settings(size, channels, epochs, value, learningRate, seed, augment, actionWeight, keypointWeight);
    }

    public Settings withLearningRate(double value) {
      return new Settings(size, channels, epochs, batchSize, value, seed, augment, actionWeight, keypointWeight);
    }

    public Settings withSeed(long value) {
      return new Settings(size, channels, epochs, batchSize, learningRate, value, augment, actionWeight, keypointWeight);
    }

    /** Weights of the action cross-entropy and the keypoint L1 loss (used when frames carry keypoints). */
    public Settings withLossWeights(double action, double keypoints) {
      return new Settings(size, channels, epochs, batchSize, learningRate, seed, augment, action, keypoints);
    }

    public Settings withAugment(boolean value) {
      return new Settings(size, channels, epochs, batchSize, learningRate, seed, value, actionWeight, keypointWeight);
    }
  }

  /**
   * Frames with their class indices into the label list and, optionally, keypoint targets.
   *
   * @param keypoints null, or per frame {@code 2K} coordinates {@code x0, y0, ...} normalized to [0, 1]
   * @param flipPermutation null (every joint maps to itself), or the joint a joint becomes when the
   *     frame is flipped horizontally (length K)
   */
  public record LabeledFrames(List<BufferedImage> frames, int[] labels, float[][] keypoints, int[] flipPermutation) {
    public LabeledFrames {
      frames = List.copyOf(frames);
      labels = labels.clone();
      if (frames.size() != labels.length) {
        throw new IllegalArgumentException(frames.size() + " frames but " + labels.length + " labels");
      }
      if (keypoints != null) {
        if (keypoints.length != labels.length) {
          throw new IllegalArgumentException(frames.size() + " frames but " + keypoints.length + " keypoint rows");
        }
        keypoints = Arrays.stream(keypoints).map(float[]::clone).toArray(float[][]::new);
        int width = keypoints.length == 0 ? 2 : keypoints[0].length;
        for (float[] row : keypoints) {
          if (row.length != width || width < 2 || width % 2 != 0) {
            throw new IllegalArgumentException("keypoint rows must all have the same even length, got "
                + row.length + " and " + width);
          }
        }
        int k = width / 2;
        if (flipPermutation != null) {
          flipPermutation = flipPermutation.clone();
          boolean[] seen = new boolean[k];
          if (flipPermutation.length != k) {
            throw new IllegalArgumentException("flip permutation has " + flipPermutation.length + " entries, "
                + "expected " + k);
          }
          for (int j : flipPermutation) {
            if (j < 0 || j >= k || seen[j]) {
              throw new IllegalArgumentException("not a permutation: " + Arrays.toString(flipPermutation));
            }
            seen[j] = true;
          }
        }
      } else if (flipPermutation != null) {
        throw new IllegalArgumentException("a flip permutation needs keypoints");
      }
    }

    /** Frames with labels only. */
    public LabeledFrames(List<BufferedImage> frames, int[] labels) {
      this(frames, labels, null, null);
    }

    /** Number of keypoints per frame, 0 without keypoints. */
    public int joints() {
      return keypoints == null || keypoints.length == 0 ? 0 : keypoints[0].length / 2;
    }

    /** No frames. */
    public static LabeledFrames empty() {
      return new LabeledFrames(List.of(), new int[0]);
    }

    public int size() {
      return labels.length;
    }
  }

  /**
   * One Adam step: loss and accuracy on the batch (training mode); {@code keypointMse} is the
   * unweighted keypoint MSE, NaN without keypoints.
   */
  public record Step(int epoch, int epochs, int step, int stepsPerEpoch, double loss, double accuracy,
      double keypointMse) {}

  /** Receives training progress. */
  public interface Listener {
    /** After every step. */
    void onStep(Step step);

    /**
     * After every epoch; {@code validationAccuracy} is NaN without validation frames.
     */
    default void onEpoch(int epoch, int epochs, double meanLoss, double trainAccuracy, double validationAccuracy) {}

    /**
     * After every epoch with keypoint targets, before {@link #onEpoch}: mean training MSE and the
     * mean L2 keypoint error on the validation frames (NaN without them), in normalized units.
     */
    default void onKeypoints(int epoch, int epochs, double trainMse, double validationError) {}

    /** Ignores everything. */
    Listener NONE = step -> { };
  }

  /**
   * Trains from scratch and returns the artifact. Metrics: {@code train_loss} and
   * {@code train_accuracy} (last epoch, augmented, training mode), {@code validation_accuracy} (if
   * {@code validation} has frames; inference mode, no augmentation), {@code epochs},
   * {@code train_frames}, {@code validation_frames}, {@code seconds}; with keypoint targets also
   * {@code keypoint_joints}, {@code action_weight}, {@code keypoint_weight}, {@code train_keypoint_mse}
   * (last epoch), {@code validation_pose_error} (the same with both poses moved to the same root
   * joint, joint 0) and {@code validation_keypoint_error} (mean L2 distance per joint between predicted
   * and true keypoints in normalized image units, on the validation frames, inference mode).
   *
   * @param labels class names; frame labels index into it
   */
  public static BuiltinCnnArtifact train(LabeledFrames train, LabeledFrames validation, List<String> labels,
      Settings options, Listener listener) {
    Objects.requireNonNull(listener, "listener");
    if (train.size() == 0) {
      throw new IllegalArgumentException("no training frames");
    }
    for (LabeledFrames set : List.of(train, validation)) {
      for (int y : set.labels()) {
        if (y < 0 || y >= labels.size()) {
          throw new IllegalArgumentException("frame label " + y + " is outside the " + labels.size() + " classes");
        }
      }
    }
    boolean poses = train.keypoints() != null;
    int joints = train.joints();
    if (poses && validation.size() > 0 && validation.keypoints() != null && validation.joints() != joints) {
      throw new IllegalArgumentException("validation frames have " + validation.joints() + " keypoints, training "
          + "frames " + joints);
    }
    if (poses && options.keypointWeight() == 0 && options.actionWeight() == 0) {
      throw new IllegalArgumentException("both loss weights are 0");
    }
    if (!poses && options.actionWeight() == 0) {
      throw new IllegalArgumentException("action weight 0 needs keypoint targets");
    }
    double aw = poses ? options.actionWeight() : 1;
    double kw = poses ? options.keypointWeight() : 0;
    int[] perm = train.flipPermutation();
    int branch = poses ? joints : 0;
    if (options.size() < BuiltinCnn.minimumSize(options.channels(), branch)) {
      throw new IllegalArgumentException("size must be >= " + BuiltinCnn.minimumSize(options.channels(), branch)
          + " for " + options.channels().length + " conv blocks, got " + options.size());
    }
    long start = System.nanoTime();
    int s = options.size();
    int pad = options.augment() ? Math.max(1, Math.round(s / 8f)) : 0;
    int p = s + 2 * pad;
    byte[][] pixels = planar(train.frames(), s, pad);
    float[][] stats = channelStats(pixels);
    Preprocessing prep = Preprocessing.rgb(s, s, stats[0], stats[1]);
    int classes = labels.size();
    Engine.getEngine(TorchScriptExtractor.ENGINE).setRandomSeed((int) options.seed());
    SplittableRandom rnd = new SplittableRandom(options.seed());
    Map<String, Double> metrics = new LinkedHashMap<>();
    try (NDManager manager = NDManager.newBaseManager(DjlExtractor.device(TorchScriptExtractor.ENGINE),
        TorchScriptExtractor.ENGINE)) {
      SequentialBlock features = BuiltinCnn.features(options.channels(), branch);
      SequentialBlock net = BuiltinCnn.withHead(features, classes);
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, s, s));
      Block classifier = net.getChildren().get(1).getValue();
      NDIndex keypointColumns = new NDIndex(":, 0:" + 2 * joints);
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
      float[] kp = new float[poses ? batch * 2 * joints : 0];
      Appearance look = new Appearance();
      double lastLoss = 0;
      double lastAccuracy = 0;
      double lastKeypointMse = Double.NaN;
      for (int epoch = 1; epoch <= options.epochs(); epoch++) {
        int[] order = shuffled(train.size(), rnd);
        double lossSum = 0;
        double keypointSum = 0;
        long correct = 0;
        for (int step = 0; step < steps; step++) {
          for (int k = 0; k < batch; k++) {
            int i = order[step * batch + k];
            boolean augment = options.augment();
            int ox = augment ? rnd.nextInt(p - s + 1) : (p - s) / 2;
            int oy = augment ? rnd.nextInt(p - s + 1) : (p - s) / 2;
            boolean flip = augment && rnd.nextBoolean();
            look.draw(augment, rnd);
            fill(pixels[i], p, s, prep, ox, oy, flip, look, x, k);
            y[k] = train.labels()[i];
            if (poses) {
              float[] t = transformKeypoints(padKeypoints(train.keypoints()[i], s, pad), p, s, ox, oy, flip, perm);
              System.arraycopy(t, 0, kp, k * 2 * joints, 2 * joints);
            }
          }
          double loss;
          double keypointMse = Double.NaN;
          int batchCorrect;
          try (NDScope scope = new NDScope(); NDManager sub = manager.newSubManager()) {
            scope.suppressNotUsedWarning();
            NDArray input = sub.create(x, new Shape(batch, 3, s, s));
            NDArray target = sub.create(y);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
              NDArray heatmaps = poses ? heatmaps(features, store, input) : null;
              NDArray feats = poses ? SoftArgmax.apply(heatmaps)
                  : features.forward(store, new NDList(input), true).singletonOrThrow();
              NDArray logits = classifier.forward(store, new NDList(feats), true).singletonOrThrow();
              NDArray total = logits.logSoftmax(1).mul(target.oneHot(classes)).sum(new int[] {1}).neg().mean();
              if (poses) {
                NDArray predicted = feats.get(keypointColumns);
                NDArray error = predicted.sub(sub.create(kp, new Shape(batch, 2L * joints)));
                Shape map = heatmaps.getShape();
                int h = (int) map.get(2);
                int w = (int) map.get(3);
                NDArray logP = heatmaps.reshape(batch, joints, (long) h * w).logSoftmax(2);
                NDArray heatCe = logP.mul(sub.create(gaussians(kp, batch, joints, h, w),
                    new Shape(batch, joints, (long) h * w))).sum(new int[] {2}).neg().mean();
                total = total.mul((float) aw).add(error.abs().mean().add(heatCe).mul((float) kw));
                keypointMse = error.square().mean().getFloat();
              }
              collector.backward(total);
              loss = total.getFloat();
              batchCorrect = countCorrect(logits.argMax(1).toLongArray(), y);
            }
          }
          // Outside the scope: Adam's state arrays must outlive the step.
          List<Pair<String, Parameter>> params = new java.util.ArrayList<>();
          net.getParameters().forEach(params::add);
          for (Pair<String, Parameter> e : params) {
            NDArray weight = e.getValue().getArray();
            if (weight.hasGradient()) {
              try (NDArray grad = weight.getGradient()) {
                adam.update(e.getValue().getId(), weight, grad);
                grad.subi(grad);
              }
            }
          }
          lossSum += loss;
          keypointSum += poses ? keypointMse : 0;
          correct += batchCorrect;
          listener.onStep(new Step(epoch, options.epochs(), step + 1, steps, loss, batchCorrect / (double) batch,
              keypointMse));
        }
        lastLoss = lossSum / steps;
        lastAccuracy = correct / (double) (steps * batch);
        double[] eval = validation.size() == 0 ? new double[] {Double.NaN, Double.NaN}
            : evaluate(features, classifier, poses ? keypointColumns : null, store, manager, validation, prep, batch);
        double validationAccuracy = eval[0];
        if (!Double.isNaN(validationAccuracy)) {
          metrics.put("validation_accuracy", validationAccuracy);
        }
        if (poses) {
          lastKeypointMse = keypointSum / steps;
          if (!Double.isNaN(eval[1])) {
            metrics.put("validation_keypoint_error", eval[1]);
            metrics.put("validation_pose_error", eval[2]);
          }
          listener.onKeypoints(epoch, options.epochs(), lastKeypointMse, eval[1]);
        }
        listener.onEpoch(epoch, options.epochs(), lastLoss, lastAccuracy, validationAccuracy);
      }
      metrics.put("train_loss", lastLoss);
      metrics.put("train_accuracy", lastAccuracy);
      metrics.put("epochs", (double) options.epochs());
      metrics.put("train_frames", (double) train.size());
      metrics.put("validation_frames", (double) validation.size());
      if (poses) {
        metrics.put("keypoint_joints", (double) joints);
        metrics.put("action_weight", aw);
        metrics.put("keypoint_weight", kw);
        metrics.put("train_keypoint_mse", lastKeypointMse);
      }
      metrics.put("seconds", (System.nanoTime() - start) / 1e9);
      return BuiltinCnnArtifact.create(options.channels(), branch, prep, labels, metrics,
          BuiltinCnnArtifact.weightsOf(net));
    }
  }

  /** The pose network's heatmaps, [N, K, H, W]: every block of {@code features} but the final soft-argmax. */
  private static NDArray heatmaps(SequentialBlock features, ParameterStore store, NDArray input) {
    ai.djl.nn.BlockList blocks = features.getChildren();
    NDList x = new NDList(input);
    for (int i = 0; i < blocks.size() - 1; i++) {
      x = blocks.get(i).getValue().forward(store, x, true);
    }
    return x.singletonOrThrow();
  }

  /**
   * Heatmap targets [N][K][H*W]: per joint a Gaussian (sigma one cell) around its position
   * {@code kp} (normalized units, cell centers at {@code (c + 0.5) / W}), summing to 1; all zeros
   * for a joint whose Gaussian falls (almost) entirely outside the map.
   */
  static float[] gaussians(float[] kp, int batch, int joints, int h, int w) {
    float[] out = new float[batch * joints * h * w];
    for (int n = 0; n < batch; n++) {
      for (int j = 0; j < joints; j++) {
        float cx = kp[(n * joints + j) * 2] * w - 0.5f;
        float cy = kp[(n * joints + j) * 2 + 1] * h - 0.5f;
        int base = (n * joints + j) * h * w;
        double sum = 0;
        for (int r = 0; r < h; r++) {
          for (int c = 0; c < w; c++) {
            float v = (float) Math.exp(-0.5 * ((c - cx) * (c - cx) + (r - cy) * (r - cy)));
            out[base + r * w + c] = v;
            sum += v;
          }
        }
        for (int i = 0; i < h * w; i++) {
          out[base + i] = sum < 0.05 ? 0 : (float) (out[base + i] / sum);
        }
      }
    }
    return out;
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

  /** Accuracy and (with a keypoint head and targets) mean L2 keypoint error, inference mode, whole frames. */
  private static double[] evaluate(Block features, Block classifier, NDIndex keypointColumns, ParameterStore store,
      NDManager manager, LabeledFrames set, Preprocessing prep, int batch) {
    int correct = 0;
    boolean poses = keypointColumns != null && set.keypoints() != null;
    double distance = 0;
    double relative = 0;
    long relativePoints = 0;
    long points = 0;
    for (int start = 0; start < set.size(); start += batch) {
      int end = Math.min(set.size(), start + batch);
      try (NDScope scope = new NDScope(); NDManager sub = manager.newSubManager()) {
        scope.suppressNotUsedWarning();
        NDArray input = sub.create(prep.toTensor(set.frames().subList(start, end)), new Shape(prep.shape(end - start)));
        NDArray feats = features.forward(store, new NDList(input), false).singletonOrThrow();
        long[] predicted = classifier.forward(store, new NDList(feats), false).singletonOrThrow().argMax(1)
            .toLongArray();
        correct += countCorrect(predicted, Arrays.copyOfRange(set.labels(), start, end));
        if (poses) {
          float[] kp = feats.get(keypointColumns).toFloatArray();
          int width = set.keypoints()[0].length;
          for (int n = start; n < end; n++) {
            float[] truth = set.keypoints()[n];
            float[] guess = Arrays.copyOfRange(kp, (n - start) * width, (n - start + 1) * width);
            for (int j = 0; j < width; j += 2) {
              double dx = guess[j] - truth[j];
              double dy = guess[j + 1] - truth[j + 1];
              distance += Math.sqrt(dx * dx + dy * dy);
              points++;
              if (j != 0) {
                double rx = dx - (guess[0] - truth[0]);
                double ry = dy - (guess[1] - truth[1]);
                relative += Math.sqrt(rx * rx + ry * ry);
                relativePoints++;
              }
            }
          }
        }
      }
    }
    return new double[] {correct / (double) set.size(), poses ? distance / points : Double.NaN,
        poses && relativePoints > 0 ? relative / relativePoints : Double.NaN};
  }

  /**
   * Keypoints of a frame after the training augmentation: the frame (resized to {@code p x p}) is
   * cropped to {@code s x s} at {@code (ox, oy)} and then, if {@code flip}, mirrored horizontally.
   * Coordinates are normalized image units: {@code x' = (x * p - ox) / s}, mirrored as
   * {@code 1 - x'}; on a flip joint {@code j} takes the place of joint {@code flipPermutation[j]}
   * (null: every joint keeps its place).
   *
   * @param xy {@code x0, y0, x1, y1, ...}
   */
  static float[] transformKeypoints(float[] xy, int p, int s, int ox, int oy, boolean flip, int[] flipPermutation) {
    float[] out = new float[xy.length];
    float scale = p / (float) s;
    for (int j = 0; j < xy.length / 2; j++) {
      float x = xy[2 * j] * scale - ox / (float) s;
      float y = xy[2 * j + 1] * scale - oy / (float) s;
      int to = j;
      if (flip) {
        x = 1 - x;
        to = flipPermutation == null ? j : flipPermutation[j];
      }
      out[2 * to] = x;
      out[2 * to + 1] = y;
    }
    return out;
  }

  /**
   * Keypoints of a frame resized to {@code s x s} and padded by {@code pad} pixels on every side,
   * in normalized units of the padded frame: {@code (x * s + pad) / (s + 2 pad)}.
   */
  static float[] padKeypoints(float[] xy, int s, int pad) {
    float[] out = new float[xy.length];
    float p = s + 2f * pad;
    for (int i = 0; i < xy.length; i++) {
      out[i] = (xy[i] * s + pad) / p;
    }
    return out;
  }

  /**
   * Each frame resized to s x s and padded by {@code pad} pixels on every side by repeating the
   * edge pixels, as planar RGB bytes [3][p][p] with p = s + 2 pad.
   */
  static byte[][] planar(List<BufferedImage> frames, int s, int pad) {
    byte[][] out = new byte[frames.size()][];
    int[] rgb = new int[s * s];
    int p = s + 2 * pad;
    int plane = p * p;
    for (int n = 0; n < out.length; n++) {
      Preprocessing.resize(frames.get(n), s, s).getRGB(0, 0, s, s, rgb, 0, s);
      byte[] b = new byte[3 * plane];
      for (int r = 0; r < p; r++) {
        int sr = Math.min(s - 1, Math.max(0, r - pad));
        for (int c = 0; c < p; c++) {
          int v = rgb[sr * s + Math.min(s - 1, Math.max(0, c - pad))];
          int i = r * p + c;
          b[i] = (byte) (v >> 16);
          b[plane + i] = (byte) (v >> 8);
          b[2 * plane + i] = (byte) v;
        }
      }
      out[n] = b;
    }
    return out;
  }

  /** One example's random appearance change: per-channel gain and offset, grayscale, pixel noise. */
  static final class Appearance {
    final float[] gain = {1, 1, 1};
    final float[] offset = new float[3];
    boolean gray;
    float noise;
    long state = 0x9E3779B97F4A7C15L;

    /** Draws a new change, or the identity if {@code augment} is false. */
    void draw(boolean augment, SplittableRandom rnd) {
      float common = augment ? (float) rnd.nextDouble(0.75, 1.25) : 1f;
      for (int c = 0; c < 3; c++) {
        gain[c] = augment ? common * (float) rnd.nextDouble(0.8, 1.2) : 1f;
        offset[c] = augment ? (float) rnd.nextDouble(-0.1, 0.1) : 0f;
      }
      gray = augment && rnd.nextInt(5) == 0;
      noise = augment ? (float) rnd.nextDouble(0, 0.04) : 0f;
      state = rnd.nextLong() | 1;
    }

    /** Uniform noise in [-noise * sqrt(3), noise * sqrt(3)] (std {@code noise}). */
    float noise() {
      state ^= state << 13;
      state ^= state >>> 7;
      state ^= state << 17;
      return noise * 1.7320508f * (((state >>> 40) / (float) (1L << 24)) * 2 - 1);
    }
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

  /** Writes example k of the batch: the s x s crop at (ox, oy), flipped if asked, brightness times gain. */
  static void fill(byte[] src, int p, int s, Preprocessing prep, int ox, int oy, boolean flip, float gain,
      float[] dst, int k) {
    Appearance look = new Appearance();
    java.util.Arrays.fill(look.gain, gain);
    fill(src, p, s, prep, ox, oy, flip, look, dst, k);
  }

  /**
   * Writes example k of the batch: the s x s crop at (ox, oy), flipped if asked, in [0, 1] turned
   * gray (channel mean) if asked, times the channel gain plus offset plus noise, clamped to [0, 1].
   */
  static void fill(byte[] src, int p, int s, Preprocessing prep, int ox, int oy, boolean flip, Appearance look,
      float[] dst, int k) {
    float[] mean = prep.mean();
    float[] std = prep.std();
    int base = k * 3 * s * s;
    boolean plain = look.noise == 0 && !look.gray && look.offset[0] == 0 && look.offset[1] == 0
        && look.offset[2] == 0;
    if (plain && look.gain[0] == look.gain[1] && look.gain[1] == look.gain[2]) {
      fillGain(src, p, s, mean, std, ox, oy, flip, look.gain[0], dst, base);
      return;
    }
    int plane = p * p;
    for (int r = 0; r < s; r++) {
      int row = (oy + r) * p + ox;
      for (int col = 0; col < s; col++) {
        int at = row + (flip ? s - 1 - col : col);
        float red = (src[at] & 0xff) / 255f;
        float green = (src[plane + at] & 0xff) / 255f;
        float blue = (src[2 * plane + at] & 0xff) / 255f;
        if (look.gray) {
          float g = 0.299f * red + 0.587f * green + 0.114f * blue;
          red = g;
          green = g;
          blue = g;
        }
        float n = look.noise == 0 ? 0 : look.noise();
        int out = base + r * s + col;
        dst[out] = (clamp(red * look.gain[0] + look.offset[0] + n) - mean[0]) / std[0];
        dst[out + s * s] = (clamp(green * look.gain[1] + look.offset[1] + n) - mean[1]) / std[1];
        dst[out + 2 * s * s] = (clamp(blue * look.gain[2] + look.offset[2] + n) - mean[2]) / std[2];
      }
    }
  }

  private static float clamp(float v) {
    return v < 0 ? 0 : v > 1 ? 1 : v;
  }

  private static void fillGain(byte[] src, int p, int s, float[] mean, float[] std, int ox, int oy, boolean flip,
      float gain, float[] dst, int base) {
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
