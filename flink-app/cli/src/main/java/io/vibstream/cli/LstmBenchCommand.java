package io.vibstream.cli;

import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.LstmParams;
import io.vibstream.model.runtime.LstmRuntime;
import io.vibstream.model.runtime.LstmRuntimes;
import io.vibstream.model.runtime.TorchLstmRuntime;
import io.vibstream.model.runtime.VectorLstmRuntime;
import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream bench lstm}: clip inference time (T = 40, 11 classes, random weights, unit
 * gate scales, feature dimension 2048) of the uncompressed 2048x2048 LSTM and the compressed
 * sizes 33x12, 96x88 and 266x224, at batch 1 and 32, on the Java Vector API path and the
 * DJL/PyTorch path. Each case is warmed up, then timed as the median of samples that alternate
 * between the two paths. Columns: best is the faster measured path, rule the one
 * {@link LstmRuntimes} picks, speedup the baseline's best per-clip time at the same batch over
 * this size's. The last line gives the batch-1 speedups. Progress goes to stderr.
 */
@Command(
    name = "lstm",
    description = "Times LSTM clip inference: compressed sizes vs the 2048x2048 baseline, Java vs DJL.",
    mixinStandardHelpOptions = true)
public final class LstmBenchCommand implements Callable<Integer> {
  private static final int FEATURE_DIM = 2048;
  private static final int STEPS = 40;
  private static final int CLASSES = 11;
  private static final int[] BATCHES = {1, 32};
  private static final int[][] COMPRESSED = {{33, 12}, {96, 88}, {266, 224}};
  private static final int[] BASELINE = {2048, 2048};

  @Spec CommandSpec spec;

  @Option(names = "--warmup-ms",
      description = "Minimum warm-up time per case and path; it goes on while calls still get faster (default: ${DEFAULT-VALUE}).")
  long warmupMs = 500;

  @Option(names = "--reps", description = "Timed samples per compressed case (default: ${DEFAULT-VALUE}).")
  int reps = 31;

  @Option(names = "--baseline-reps", description = "Timed samples per 2048x2048 case (default: ${DEFAULT-VALUE}).")
  int baselineReps = 5;

  @Option(names = "--sample-ms", description = "Minimum duration of one timed sample; short calls are repeated (default: ${DEFAULT-VALUE}).")
  double sampleMs = 2;

  @Option(names = "--seed", description = "Seed of the random weights and clips (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  /** One measured size: per-clip milliseconds by batch index, Java and DJL. */
  private record Row(int d, int h, double[] javaMs, double[] djlMs, boolean djlOnGpu) {
    String size() {
      return d + "x" + h;
    }

    double best(int i) {
      return Math.min(javaMs[i], djlMs[i]);
    }

    String bestPath(int i) {
      return javaMs[i] <= djlMs[i] ? "java" : "djl";
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter progress = spec.commandLine().getErr();
    SplittableRandom rnd = new SplittableRandom(seed);
    float[][][][] clips = new float[BATCHES.length][][][];
    for (int i = 0; i < BATCHES.length; i++) {
      clips[i] = randomClips(rnd, BATCHES[i]);
    }
    List<Row> rows = new ArrayList<>();
    // Compressed sizes first: they warm the JIT up for the slow baseline calls.
    for (int[] size : COMPRESSED) {
      rows.add(measure(progress, randomModel(rnd, size[0], size[1]), clips, reps));
    }
    Row baseline = measure(progress, randomModel(rnd, BASELINE[0], BASELINE[1]), clips, baselineReps);
    rows.add(0, baseline);

    out.printf(Locale.ROOT, "LSTM clip inference, T=%d, featureDim=%d, %d classes, median ms per clip, djl on %s%n",
        STEPS, FEATURE_DIM, CLASSES, baseline.djlOnGpu ? "gpu" : "cpu");
    out.println("| size | LSTM params | batch | java ms/clip | djl ms/clip | best | rule | speedup |");
    out.println("|---|---|---|---|---|---|---|---|");
    for (Row row : rows) {
      for (int i = 0; i < BATCHES.length; i++) {
        boolean java = LstmRuntimes.prefersJava(row.d, row.h, BATCHES[i], row.djlOnGpu);
        out.printf(Locale.ROOT, "| %s | %,d | %d | %s | %s | %s | %s | %.1f |%n", row.size(),
            LstmParams.count(row.d, row.h), BATCHES[i], ms(row.javaMs[i]), ms(row.djlMs[i]),
            row.bestPath(i), java ? "java" : "djl", baseline.best(i) / row.best(i));
      }
    }
    StringJoiner last = new StringJoiner(" ");
    for (Row row : rows.subList(1, rows.size())) {
      last.add(String.format(Locale.ROOT, "speedup_%s=%.1f", row.size(), baseline.best(0) / row.best(0)));
    }
    out.println(last);
    out.flush();
    return 0;
  }

  private Row measure(PrintWriter progress, CompressedLstm model, float[][][][] clips, int samples) {
    double[] javaMs = new double[BATCHES.length];
    double[] djlMs = new double[BATCHES.length];
    boolean djlOnGpu;
    try (LstmRuntime java = new VectorLstmRuntime(model);
        TorchLstmRuntime djl = new TorchLstmRuntime(model)) {
      djlOnGpu = djl.device().isGpu();
      for (int i = 0; i < BATCHES.length; i++) {
        float[][][] batch = clips[i];
        int javaCalls = callsPerSample(warmUp(java, batch));
        int djlCalls = callsPerSample(warmUp(djl, batch));
        double[] javaTimes = new double[samples];
        double[] djlTimes = new double[samples];
        // Interleaved samples, so that both paths see the same load on a shared machine.
        for (int s = 0; s < samples; s++) {
          javaTimes[s] = sampleMs(java, batch, javaCalls);
          djlTimes[s] = sampleMs(djl, batch, djlCalls);
        }
        javaMs[i] = median(javaTimes) / batch.length;
        djlMs[i] = median(djlTimes) / batch.length;
      }
    }
    progress.printf(Locale.ROOT, "measured %dx%d%n", model.inputSize(), model.hiddenSize());
    progress.flush();
    return new Row(model.inputSize(), model.hiddenSize(), javaMs, djlMs, djlOnGpu);
  }

  /**
   * Runs chunks of calls (a quarter of the warm-up time, at least one call) until the warm-up
   * time has passed and a whole chunk ran without JIT compilation, or ten warm-up times have
   * passed. On a loaded machine C2 can take seconds to compile the vector kernels, and the
   * interim code is 10-100x slower. Returns the last chunk's ms per call.
   */
  private double warmUp(LstmRuntime runtime, float[][][] clips) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long start = System.nanoTime();
    while (true) {
      long jitMsBefore = jit.getTotalCompilationTime();
      long chunkStart = System.nanoTime();
      int calls = 0;
      do {
        runtime.logits(clips);
        calls++;
      } while (System.nanoTime() - chunkStart < warmupMs * 250_000L);
      double chunk = (System.nanoTime() - chunkStart) / 1e6 / calls;
      double elapsedMs = (System.nanoTime() - start) / 1e6;
      boolean settled = jit.getTotalCompilationTime() == jitMsBefore;
      if (elapsedMs >= warmupMs && settled || elapsedMs >= 10.0 * warmupMs) {
        return chunk;
      }
    }
  }

  private int callsPerSample(double callMs) {
    return (int) Math.max(1, Math.ceil(sampleMs / callMs));
  }

  /** Mean ms per call over {@code calls} calls. */
  private static double sampleMs(LstmRuntime runtime, float[][][] clips, int calls) {
    long t0 = System.nanoTime();
    for (int c = 0; c < calls; c++) {
      runtime.logits(clips);
    }
    return (System.nanoTime() - t0) / 1e6 / calls;
  }

  private static double median(double[] times) {
    double[] sorted = times.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static String ms(double ms) {
    return new BigDecimal(ms).round(new MathContext(4)).toPlainString();
  }

  private static float[][][] randomClips(SplittableRandom rnd, int batch) {
    float[][][] clips = new float[batch][STEPS][FEATURE_DIM];
    for (float[][] clip : clips) {
      for (float[] feature : clip) {
        fill(rnd, feature, 1f);
      }
    }
    return clips;
  }

  /** D' kept inputs of 2048, H' hidden, PyTorch-style uniform(+-1/sqrt(H')) weights. */
  private static CompressedLstm randomModel(SplittableRandom rnd, int d, int h) {
    int[] kept = rnd.ints(0, FEATURE_DIM).distinct().limit(d).sorted().toArray();
    float scale = (float) (1 / Math.sqrt(h));
    float[] w = new float[4 * h * d];
    float[] u = new float[4 * h * h];
    float[] b = new float[4 * h];
    float[] fcW = new float[CLASSES * h];
    float[] fcB = new float[CLASSES];
    for (float[] a : new float[][] {w, u, b, fcW, fcB}) {
      fill(rnd, a, scale);
    }
    return CompressedLstm.builder()
        .featureDim(FEATURE_DIM)
        .keptInputs(kept)
        .hiddenSize(h)
        .classes(CLASSES)
        .weights(w, u, b)
        .unitGateScales()
        .classifier(fcW, fcB)
        .build();
  }

  private static void fill(SplittableRandom rnd, float[] a, float scale) {
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (rnd.nextDouble(-1, 1) * scale);
    }
  }
}
