package io.vibstream.cli;

import io.vibstream.connectors.synth.EstimatorNoise;
import io.vibstream.connectors.synth.SurveillanceMotion;
import io.vibstream.model.pose.PersonFeatures;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream synth-people}: a feature data set for the action model on real video, from the
 * renderer's 3D skeleton seen by surveillance cameras with a real estimator's errors, in the live
 * per-person features ({@link SurveillanceMotion}).
 */
@Command(name = "synth-people", mixinStandardHelpOptions = true,
    description = "Write per-person skeleton feature clips (person-skeleton-v2, 53 per frame) of the 12 synthetic"
        + " actions and idle, projected from the 3D figure at surveillance viewpoints with pose-estimator noise;"
        + " test clips use held-out actors, headings and camera elevations. Train on them with"
        + " train/sweep --data features:DIR:T.")
public final class SynthPeopleCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (must not hold a "
      + "dataset.json)")
  Path out;

  @Option(names = "--clips-per-class", required = true, paramLabel = "N", description = "clips of each of the 13 "
      + "classes")
  int clipsPerClass;

  @Option(names = "--seed", required = true, paramLabel = "S", description = "seed; same seed, same data")
  long seed;

  @Option(names = "--frames", paramLabel = "T", description = "frames per clip (default: ${DEFAULT-VALUE})")
  int frames = 32;

  @Option(names = "--fps", paramLabel = "R|MIN:MAX", description = "frame rate, or a range each clip draws its rate "
      + "from, e.g. 8:30 (default: ${DEFAULT-VALUE})")
  String fps = "10";

  @Option(names = "--test-share", paramLabel = "F", description = "share of each class's clips in the test split "
      + "(default: ${DEFAULT-VALUE})")
  double testShare = SurveillanceMotion.TEST_SHARE;

  @Override
  public Integer call() throws Exception {
    double[] rate = parseFps(fps);
    if (clipsPerClass < 1) {
      throw new IllegalArgumentException("--clips-per-class must be >= 1, got " + clipsPerClass);
    }
    if (frames < 2 || frames > 10_000) {
      throw new IllegalArgumentException("--frames must be 2..10000, got " + frames);
    }
    if (!(testShare > 0 && testShare < 1)) {
      throw new IllegalArgumentException("--test-share must be between 0 and 1, got " + testShare);
    }
    if (Files.exists(out.resolve("dataset.json"))) {
      throw new IllegalArgumentException(out + " already holds a dataset.json; choose a new --out");
    }
    PrintWriter err = spec.commandLine().getErr();
    long start = System.nanoTime();
    ProgressLine bar = new ProgressLine(new PrintStream(new WriterStream(err), true, StandardCharsets.UTF_8),
        "synth", "clips");
    SurveillanceMotion.Summary summary = SurveillanceMotion.write(out, clipsPerClass, seed, frames, rate[0], rate[1],
        testShare, EstimatorNoise.DEFAULT, (done, total, clip) -> bar.update(done, total, clip.label()));
    spec.commandLine().getOut().printf("wrote %d clips (%d train, %d test) of %d classes, %d frames of %d features"
            + " (%s) each, to %s in %.1f s%n", summary.trainClips() + summary.testClips(), summary.trainClips(),
        summary.testClips(), summary.labels().size(), summary.frames(), PersonFeatures.DIMENSION, PersonFeatures.ID,
        out, (System.nanoTime() - start) / 1e9);
    return 0;
  }

  private static double[] parseFps(String text) {
    String[] parts = text.strip().split(":", -1);
    try {
      if (parts.length == 1 || parts.length == 2) {
        double lo = Double.parseDouble(parts[0]);
        double hi = parts.length == 2 ? Double.parseDouble(parts[1]) : lo;
        if (lo > 0 && hi >= lo && hi <= 120) {
          return new double[] {lo, hi};
        }
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException("--fps must be a rate or MIN:MAX in (0, 120], e.g. 10 or 8:30, got " + text);
  }

  /** Bytes to the command's error writer, a line at a time (ProgressLine writes to a stream). */
  private static final class WriterStream extends OutputStream {
    private final PrintWriter writer;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    WriterStream(PrintWriter writer) {
      this.writer = writer;
    }

    @Override
    public void write(int b) {
      buffer.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      buffer.write(b, off, len);
    }

    @Override
    public void flush() {
      writer.write(buffer.toString(StandardCharsets.UTF_8));
      buffer.reset();
      writer.flush();
    }
  }
}
