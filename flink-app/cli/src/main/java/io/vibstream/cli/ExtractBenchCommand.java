package io.vibstream.cli;

import io.vibstream.model.backbone.BuiltinCnn;
import io.vibstream.model.backbone.BuiltinCnnTrainer;
import io.vibstream.model.backbone.BuiltinExtractor;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream bench extract}: frames per second of the builtin CNN backbone (randomly
 * initialized weights: speed does not depend on their values) at batch 1, 8 and 32, frames of
 * random pixels already at the input size; the time includes preprocessing to a tensor. Each
 * case is warmed up, then the median of timed samples is reported.
 */
@Command(name = "extract", mixinStandardHelpOptions = true,
    description = "Frames/s of the builtin CNN backbone (random weights) at batch 1, 8 and 32.")
public final class ExtractBenchCommand implements Callable<Integer> {
  private static final int[] BATCHES = {1, 8, 32};

  @Spec
  CommandSpec spec;

  @Option(names = "--size", description = "square input size (default: ${DEFAULT-VALUE})")
  int size = BuiltinCnn.DEFAULT_SIZE;

  @Option(names = "--warmup-ms", description = "warm-up per batch size (default: ${DEFAULT-VALUE})")
  long warmupMs = 1000;

  @Option(names = "--samples", description = "timed samples per batch size (default: ${DEFAULT-VALUE})")
  int samples = 9;

  @Option(names = "--sample-ms", description = "minimum duration of one sample (default: ${DEFAULT-VALUE})")
  double sampleMs = 200;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    SplittableRandom rnd = new SplittableRandom(1);
    List<BufferedImage> frames = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          image.setRGB(x, y, rnd.nextInt(1 << 24));
        }
      }
      frames.add(image);
    }
    double[] fps = new double[BATCHES.length];
    double[] ms = new double[BATCHES.length];
    String device;
    int dimension;
    try (BuiltinExtractor extractor = BuiltinExtractor.of(BuiltinCnnTrainer.untrained(size,
        BuiltinCnn.DEFAULT_CHANNELS, List.of("a", "b"), 1))) {
      device = extractor.device().toString();
      dimension = extractor.dimension();
      for (int b = 0; b < BATCHES.length; b++) {
        List<BufferedImage> batch = frames.subList(0, BATCHES[b]);
        long end = System.nanoTime() + warmupMs * 1_000_000L;
        int calls = 0;
        long t0 = System.nanoTime();
        do {
          extractor.extract(batch);
          calls++;
        } while (System.nanoTime() < end);
        double callMs = (System.nanoTime() - t0) / 1e6 / calls;
        int perSample = (int) Math.max(1, Math.ceil(sampleMs / callMs));
        double[] times = new double[samples];
        for (int s = 0; s < samples; s++) {
          long start = System.nanoTime();
          for (int c = 0; c < perSample; c++) {
            extractor.extract(batch);
          }
          times[s] = (System.nanoTime() - start) / 1e6 / perSample;
        }
        Arrays.sort(times);
        ms[b] = times[samples / 2];
        fps[b] = BATCHES[b] * 1000 / ms[b];
        spec.commandLine().getErr().printf(Locale.ROOT, "measured batch %d%n", BATCHES[b]);
      }
    }
    out.printf(Locale.ROOT, "builtin CNN backbone (random weights), %dx%d input, channels %s, D=%d, on %s, "
        + "median of %d samples%n", size, size, Arrays.toString(BuiltinCnn.DEFAULT_CHANNELS), dimension, device, samples);
    out.println("| batch | ms/batch | frames/s |");
    out.println("|---|---|---|");
    for (int b = 0; b < BATCHES.length; b++) {
      out.printf(Locale.ROOT, "| %d | %.2f | %.0f |%n", BATCHES[b], ms[b], fps[b]);
    }
    out.flush();
    return 0;
  }
}
