package io.vibstream.cli;

import io.vibstream.connectors.synth.SyntheticPoses;
import io.vibstream.connectors.video.VideoClip;
import io.vibstream.connectors.video.VideoDataset;
import io.vibstream.connectors.video.VideoFiles;
import io.vibstream.model.backbone.BuiltinCnn;
import io.vibstream.model.backbone.BuiltinCnnArtifact;
import io.vibstream.model.backbone.BuiltinCnnTrainer.LabeledFrames;
import io.vibstream.model.backbone.BuiltinCnnTrainer;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream train-backbone}: trains the builtin CNN on frames sampled evenly from each clip
 * of a labeled video data set (frame label = clip label), validates on the test split's frames
 * and saves the artifact for {@code extract --backbone builtin:FILE}.
 *
 * <p>When every training clip has a pose file ({@link SyntheticPoses}, written by {@code synth}),
 * the sampled frames also carry their keypoints and the pose network ({@link BuiltinCnn}: heatmaps
 * and soft-argmax) learns to locate them (loss {@code --action-weight * CE + --keypoint-weight *
 * L1}); {@code extract} then writes 3 x 17 = 51 values per frame (positions and confidences). It
 * says on stdout which it uses. {@code --no-poses} trains the appearance network on action labels
 * only (features: the pooled vector).
 */
@Command(name = "train-backbone", mixinStandardHelpOptions = true,
    description = "Train the builtin CNN backbone on frames of a labeled video data set.")
final class TrainBackboneCommand implements Callable<Integer> {
  /** Frames decoded at most per clip before sampling. */
  static final int MAX_DECODED = 512;

  @Spec
  CommandSpec spec;

  @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "labeled video data set: a directory (synthetic, UCF11, UCF101 or HMDB51 layout) or ucf11:DIR, ucf101:DIR[:split], hmdb51:DIR[:split], synth:DIR")
  String dataset;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "backbone file to write")
  Path out;

  @Option(names = "--size", description = "square input size in pixels (default: ${DEFAULT-VALUE})")
  int size = BuiltinCnn.DEFAULT_SIZE;

  @Option(names = "--epochs", description = "training epochs (default: ${DEFAULT-VALUE})")
  int epochs = 10;

  @Option(names = "--frames-per-clip", description = "frames sampled evenly from each clip (default: ${DEFAULT-VALUE})")
  int framesPerClip = 8;

  @Option(names = "--max-clips", description = "at most this many clips per split, balanced over classes (default: all)")
  int maxClips = Integer.MAX_VALUE;

  @Option(names = "--batch-size", description = "frames per Adam step (default: ${DEFAULT-VALUE})")
  int batchSize = 32;

  @Option(names = "--lr", description = "Adam learning rate, cosine-annealed (default: ${DEFAULT-VALUE})")
  double learningRate = 3e-3;

  @Option(names = "--channels", split = ",", description = "channels per conv block (default: 16,32,64,64,64 for "
      + "the pose network, 16,32,64,96 for the appearance network)")
  int[] channels;

  @Option(names = "--no-augment", description = "train without crop/flip/brightness augmentation")
  boolean noAugment;

  @Option(names = "--no-poses", description = "ignore the data set's pose files: train on action labels only")
  boolean noPoses;

  @Option(names = "--action-weight", description = "weight of the action cross-entropy when training with poses "
      + "(default: ${DEFAULT-VALUE})")
  double actionWeight = BuiltinCnnTrainer.Settings.DEFAULT_ACTION_WEIGHT;

  @Option(names = "--keypoint-weight", description = "weight of the keypoint L1 loss, normalized image units "
      + "(default: ${DEFAULT-VALUE})")
  double keypointWeight = BuiltinCnnTrainer.Settings.DEFAULT_KEYPOINT_WEIGHT;

  @Option(names = "--flip-swaps-sides", description = "on horizontal flips also swap left and right joints (right "
      + "for real footage; synthetic figures facing left are drawn mirrored with the same joints, so not there)")
  boolean flipSwapsSides;

  @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})")
  long seed = 42;

  @Override
  public Integer call() throws Exception {
    if (framesPerClip < 1 || maxClips < 1) {
      throw new IllegalArgumentException("--frames-per-clip and --max-clips must be >= 1");
    }
    PrintWriter stdout = spec.commandLine().getOut();
    VideoDataset data = BackboneData.openDataset(dataset);
    List<String> labels = data.labels();
    List<VideoClip> trainClips = BackboneData.select(data, "train", maxClips);
    List<VideoClip> testClips = BackboneData.select(data, "test", maxClips);
    if (trainClips.isEmpty()) {
      throw new IllegalArgumentException(dataset + ": no clips in the train split");
    }
    boolean poses = !noPoses && allHavePoses(trainClips);
    int[] widths = channels != null ? channels : poses ? BuiltinCnn.DEFAULT_POSE_CHANNELS : BuiltinCnn.DEFAULT_CHANNELS;
    BuiltinCnnTrainer.Settings options = new BuiltinCnnTrainer.Settings(size, widths, epochs, batchSize,
        learningRate, seed, !noAugment, actionWeight, keypointWeight);
    // Decode at the input size: the trainer pads and shifts (same scale as extraction).
    int decode = size;
    if (poses) {
      stdout.printf(Locale.ROOT, "poses: training with %d-joint keypoint targets from the clips' pose files "
          + "(loss %.3g * action CE + %.3g * keypoint L1, flip %s)%n", SyntheticPoses.JOINTS, actionWeight,
          keypointWeight, flipSwapsSides ? "swaps left/right joints" : "mirrors x only");
    } else {
      stdout.println(noPoses ? "poses: off (--no-poses): training on action labels only"
          : "poses: the data set has no pose files: training on action labels only");
    }
    stdout.flush();
    ProgressLine decoding = new ProgressLine(System.err, "decode", "clips");
    LabeledFrames train = frames(trainClips, labels, decode, decoding, 0, trainClips.size() + testClips.size(),
        poses);
    LabeledFrames test = frames(testClips, labels, decode, decoding, trainClips.size(),
        trainClips.size() + testClips.size(), poses && allHavePoses(testClips));
    stdout.printf(Locale.ROOT, "data: %s: %d train clips (%d frames), %d test clips (%d frames), %d classes%n",
        dataset, trainClips.size(), train.size(), testClips.size(), test.size(), labels.size());
    stdout.flush();
    ProgressLine bar = new ProgressLine(System.err, "backbone", "steps");
    BuiltinCnnArtifact artifact = BuiltinCnnTrainer.train(train, test, labels, options,
        new BuiltinCnnTrainer.Listener() {
          @Override
          public void onStep(BuiltinCnnTrainer.Step s) {
            long done = (long) (s.epoch() - 1) * s.stepsPerEpoch() + s.step();
            bar.update(done, (long) s.epochs() * s.stepsPerEpoch(), String.format(Locale.ROOT,
                "epoch %d/%d  loss %.4f  acc %5.1f%%", s.epoch(), s.epochs(), s.loss(), 100 * s.accuracy()));
          }

          @Override
          public void onKeypoints(int epoch, int epochs, double trainMse, double validationError) {
            bar.message(String.format(Locale.ROOT, "backbone  epoch %d/%d keypoints: train MSE %.5f%s", epoch,
                epochs, trainMse, Double.isNaN(validationError) ? "" : String.format(Locale.ROOT,
                    ", test mean error %.4f (normalized units)", validationError)));
          }

          @Override
          public void onEpoch(int epoch, int epochs, double meanLoss, double trainAccuracy, double validation) {
            bar.message(String.format(Locale.ROOT, "backbone  epoch %d/%d done: mean loss %.4f, train accuracy "
                + "%.2f%%%s", epoch, epochs, meanLoss, 100 * trainAccuracy,
                Double.isNaN(validation) ? "" : String.format(Locale.ROOT, ", test frame accuracy %.2f%%",
                    100 * validation)));
          }
        });
    artifact.write(out);
    Double validation = artifact.metrics().get("validation_accuracy");
    stdout.printf(Locale.ROOT, "saved %s to %s: dimension %d, input %dx%d, %.1f s, train accuracy %.2f%%%s%n",
        artifact.id(), out, artifact.dimension(), size, size, artifact.metrics().get("seconds"),
        100 * artifact.metrics().get("train_accuracy"),
        validation == null ? "" : String.format(Locale.ROOT, ", test frame accuracy %.2f%%", 100 * validation));
    Double keypointError = artifact.metrics().get("validation_keypoint_error");
    if (keypointError != null) {
      stdout.printf(Locale.ROOT, "keypoints: test mean error %.4f, pelvis-relative %.4f (normalized image units), "
          + "train MSE %.5f%n", keypointError, artifact.metrics().get("validation_pose_error"),
          artifact.metrics().get("train_keypoint_mse"));
    }
    stdout.flush();
    return 0;
  }

  private LabeledFrames frames(List<VideoClip> clips, List<String> labels, int decode, ProgressLine progress,
      int doneBefore, int total, boolean poses) throws Exception {
    List<BufferedImage> frames = new ArrayList<>();
    List<Integer> targets = new ArrayList<>();
    List<float[]> keypoints = new ArrayList<>();
    int done = doneBefore;
    for (VideoClip clip : clips) {
      List<BufferedImage> all = VideoFiles.readFrames(clip.path(), decode, decode, MAX_DECODED);
      float[][] xy = poses ? SyntheticPoses.keypoints(clip.path()) : null;
      if (poses && (xy == null || xy.length != all.size())) {
        throw new IllegalArgumentException(clip.path() + ": " + all.size() + " decoded frames but "
            + (xy == null ? "no" : xy.length) + " pose frames (use --no-poses to ignore the pose files)");
      }
      for (int index : sampleIndices(all.size(), framesPerClip)) {
        frames.add(all.get(index));
        targets.add(labels.indexOf(clip.label()));
        if (poses) {
          keypoints.add(xy[index]);
        }
      }
      progress.update(++done, total, "");
    }
    int[] y = targets.stream().mapToInt(Integer::intValue).toArray();
    return poses ? new LabeledFrames(frames, y, keypoints.toArray(float[][]::new),
        flipSwapsSides ? SyntheticPoses.FLIP_SWAP_SIDES : null) : new LabeledFrames(frames, y);
  }

  private static boolean allHavePoses(List<VideoClip> clips) {
    return !clips.isEmpty() && clips.stream().allMatch(c -> Files.isRegularFile(SyntheticPoses.fileOf(c.path())));
  }

  /** {@code n} frames spread evenly over the clip (all of them if it has fewer). */
  static List<BufferedImage> sample(List<BufferedImage> frames, int n) {
    return sampleIndices(frames.size(), n).stream().map(frames::get).toList();
  }

  /** Indices of {@code n} frames spread evenly over {@code size} (all of them if there are fewer). */
  static List<Integer> sampleIndices(int size, int n) {
    List<Integer> out = new ArrayList<>(Math.min(size, n));
    if (size <= n) {
      for (int i = 0; i < size; i++) {
        out.add(i);
      }
      return out;
    }
    for (int k = 0; k < n; k++) {
      out.add((int) ((2L * k + 1) * size / (2L * n)));
    }
    return out;
  }
}
