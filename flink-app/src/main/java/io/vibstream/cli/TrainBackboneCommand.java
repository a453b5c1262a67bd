package io.vibstream.cli;

import io.vibstream.connectors.video.VideoClip;
import io.vibstream.connectors.video.VideoDataset;
import io.vibstream.connectors.video.VideoFiles;
import io.vibstream.model.backbone.BuiltinCnn;
import io.vibstream.model.backbone.BuiltinCnnArtifact;
import io.vibstream.model.backbone.BuiltinCnnTrainer;
import io.vibstream.model.backbone.BuiltinCnnTrainer.LabelledFrames;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
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
 * of a labelled video data set (frame label = clip label), validates on the test split's frames
 * and saves the artifact for {@code extract --backbone builtin:FILE}.
 */
@Command(name = "train-backbone", mixinStandardHelpOptions = true,
    description = "Train the builtin CNN backbone on frames of a labelled video data set.")
final class TrainBackboneCommand implements Callable<Integer> {
  /** Frames decoded at most per clip before sampling. */
  static final int MAX_DECODED = 512;

  @Spec
  CommandSpec spec;

  @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "labelled video data set: a directory (synthetic, UCF11, UCF101 or HMDB51 layout) or ucf11:DIR, ucf101:DIR[:split], hmdb51:DIR[:split], synth:DIR")
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

  @Option(names = "--channels", split = ",", description = "channels per conv block (default: 16,32,64,96)")
  int[] channels = BuiltinCnn.DEFAULT_CHANNELS;

  @Option(names = "--no-augment", description = "train without crop/flip/brightness augmentation")
  boolean noAugment;

  @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})")
  long seed = 42;

  @Override
  public Integer call() throws Exception {
    if (framesPerClip < 1 || maxClips < 1) {
      throw new IllegalArgumentException("--frames-per-clip and --max-clips must be >= 1");
    }
    BuiltinCnnTrainer.Options options = new BuiltinCnnTrainer.Options(size, channels, epochs, batchSize,
        learningRate, seed, !noAugment);
    PrintWriter stdout = spec.commandLine().getOut();
    VideoDataset data = BackboneData.openDataset(dataset);
    List<String> labels = data.labels();
    List<VideoClip> trainClips = BackboneData.select(data, "train", maxClips);
    List<VideoClip> testClips = BackboneData.select(data, "test", maxClips);
    if (trainClips.isEmpty()) {
      throw new IllegalArgumentException(dataset + ": no clips in the train split");
    }
    // Decode a little larger than the input: the trainer crops randomly.
    int decode = noAugment ? size : Math.round(size * 8f / 7f);
    ProgressLine decoding = new ProgressLine(System.err, "decode", "clips");
    LabelledFrames train = frames(trainClips, labels, decode, decoding, 0, trainClips.size() + testClips.size());
    LabelledFrames test = frames(testClips, labels, decode, decoding, trainClips.size(),
        trainClips.size() + testClips.size());
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
    stdout.flush();
    return 0;
  }

  private LabelledFrames frames(List<VideoClip> clips, List<String> labels, int decode, ProgressLine progress,
      int doneBefore, int total) throws Exception {
    List<BufferedImage> frames = new ArrayList<>();
    List<Integer> targets = new ArrayList<>();
    int done = doneBefore;
    for (VideoClip clip : clips) {
      List<BufferedImage> all = VideoFiles.readFrames(clip.path(), decode, decode, MAX_DECODED);
      for (BufferedImage frame : sample(all, framesPerClip)) {
        frames.add(frame);
        targets.add(labels.indexOf(clip.label()));
      }
      progress.update(++done, total, "");
    }
    return new LabelledFrames(frames, targets.stream().mapToInt(Integer::intValue).toArray());
  }

  /** {@code n} frames spread evenly over the clip (all of them if it has fewer). */
  static List<BufferedImage> sample(List<BufferedImage> frames, int n) {
    if (frames.size() <= n) {
      return frames;
    }
    List<BufferedImage> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      out.add(frames.get((int) ((2L * k + 1) * frames.size() / (2L * n))));
    }
    return out;
  }
}
