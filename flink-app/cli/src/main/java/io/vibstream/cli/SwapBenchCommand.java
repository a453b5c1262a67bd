package io.vibstream.cli;

import io.vibstream.connectors.kafka.ClipPublisher;
import io.vibstream.connectors.kafka.KafkaClientConfig;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.connectors.synth.SyntheticCamera;
import io.vibstream.local.LocalStack;
import io.vibstream.local.ModelRegistry;
import io.vibstream.local.bench.BenchEvents;
import io.vibstream.local.bench.CameraFleet;
import io.vibstream.local.bench.PrecomputedFeatures;
import io.vibstream.local.bench.SwapObserver;
import io.vibstream.local.bench.SyntheticModels;
import io.vibstream.local.bench.TrainingLoad;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.RetrainStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream bench swap}: how long a running job (local stack, precomputed features in place
 * of the CNN, realtime synthetic cameras) takes to serve each newly published release, alternating
 * two models of different size ({@link SwapObserver} times each swap); then the events' p99 latency
 * with the retrain job beside it idle and while it trains ({@link TrainingLoad}). Fails if a
 * camera's events are not one per stride with versions that never go back.
 */
@Command(name = "swap", mixinStandardHelpOptions = true,
    description = {"Time from publishing a model release until every subtask of a running job (local cluster, "
        + "embedded Kafka) serves it; checks that no camera lost or repeated an event across the swaps. Then the "
        + "p99 frame-to-event latency with the retrain job beside it idle, and while it trains.",
        "The last line is swap_ms=X p99_ms_idle=X p99_ms_training=X (swap_ms: the median over the swaps)."})
final class SwapBenchCommand implements Callable<Integer> {
  private static final String BACKBONE_ID = "bench:precomputed";
  private static final Duration SWAP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RETRAIN_TIMEOUT = Duration.ofMinutes(5);

  @Spec
  CommandSpec spec;

  @Option(names = "--swaps", description = "releases published after the first (default: ${DEFAULT-VALUE})")
  int swaps = 5;

  @Option(names = "--parallelism", description = "job parallelism (default: ${DEFAULT-VALUE})")
  int parallelism = 2;

  @Option(names = "--cameras", description = "realtime synthetic cameras (default: ${DEFAULT-VALUE})")
  int cameras = 4;

  @Option(names = "--fps", description = "frames per second per camera (default: ${DEFAULT-VALUE})")
  double fps = 10;

  @Option(names = "--clip", description = "LSTM clip length of the random models (default: ${DEFAULT-VALUE})")
  int clip = 8;

  @Option(names = "--stride", description = "frames between a camera's events (default: ${DEFAULT-VALUE})")
  int stride = 2;

  @Option(names = "--dimension", description = "feature dimension of the precomputed features (default: ${DEFAULT-VALUE})")
  int dimension = 64;

  @Option(names = "--checkpoint-interval-ms", description = "checkpoint interval (default: ${DEFAULT-VALUE})")
  long checkpointIntervalMs = 1000;

  @Option(names = "--latency-window", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "how long the latency is measured with the retrain job idle (default: 10s)")
  Duration latencyWindow = Duration.ofSeconds(10);

  @Option(names = "--retrain-clips", paramLabel = "N", description = "labeled clips that start the one training "
      + "(default: ${DEFAULT-VALUE})")
  int retrainClips = 800;

  @Option(names = "--retrain-epochs", paramLabel = "E", description = "fine-tuning epochs of that training; a dense "
      + "model then gets E/2 VIB and E/2 frozen-mask epochs (default: ${DEFAULT-VALUE})")
  int retrainEpochs = 40;

  @Override
  public Integer call() throws Exception {
    if (swaps < 1 || parallelism < 1 || cameras < 1 || clip < 1 || stride < 1 || dimension < 2 || !(fps > 0)
        || retrainClips < 10 || retrainEpochs < 1 || latencyWindow.toMillis() < 1) {
      throw new IllegalArgumentException("--swaps, --parallelism, --cameras, --clip, --stride, --fps, --retrain-epochs "
          + "must be >= 1 (> 0 for --fps), --dimension >= 2, --retrain-clips >= 10 and --latency-window > 0");
    }
    PrintWriter out = spec.commandLine().getOut();
    int[] all = IntStream.range(0, dimension).toArray();
    int[] even = IntStream.range(0, (dimension + 1) / 2).map(i -> 2 * i).toArray();
    List<byte[]> models = List.of(SyntheticModels.random(BACKBONE_ID, dimension, clip, all, 32, 1),
        SyntheticModels.random(BACKBONE_ID, dimension, clip, even, 16, 2));
    List<String> modelNames = List.of("H'=32 D'=" + all.length, "H'=16 D'=" + even.length);
    List<String> names = IntStream.range(0, cameras).mapToObj(i -> "cam" + i).toList();
    List<Long> switchMs = new ArrayList<>();
    try (LocalStack stack = LocalStack.start(LocalStack.Settings.of(parallelism + 1)
            .withPartitions(Math.max(2, parallelism)));
        ModelRegistry registry = new ModelRegistry(stack.bootstrap(), Topic.MODELS.topicName());
        SwapObserver observer = new SwapObserver(stack.outputs(), parallelism, names)) {
      registry.publish(release(models.get(0), 1, stack));
      JobID job = submit(stack);
      JobID retrain = TrainingLoad.submit(stack, checkpointIntervalMs, retrainClips, retrainEpochs);
      List<CameraFleet.Camera> sources = new ArrayList<>();
      for (int i = 0; i < cameras; i++) {
        String url = "synth://" + names.get(i) + "?seed=" + (i + 1) + "&fps=" + fps + "&size=32x32&realtime=true"
            + "&loop=true";
        sources.add(CameraFleet.Camera.of(stack.bootstrap(), names.get(i), () -> SyntheticCamera.open(url)));
      }
      try (CameraFleet fleet = CameraFleet.start(sources, "bench-swap-camera")) {
        observer.awaitSwap(1, System.currentTimeMillis(), Duration.ofSeconds(60));
        out.printf(Locale.ROOT, "job running (parallelism %d, checkpoints every %d ms) with the retrain job beside "
            + "it, %d cameras at %.0f fps, version 1 (%s) serving; every camera emits events%n", parallelism,
            checkpointIntervalMs, cameras, fps, modelNames.get(0));
        out.printf("%4s  %7s  %-12s  %10s  %-12s  %9s  %10s  %9s%n", "swap", "version", "model", "publish_ms",
            "subtasks_ms", "switch_ms", "visible_ms", "events_ms");
        out.flush();
        for (int r = 1; r <= swaps; r++) {
          SwapObserver.Result swap = observer.swap(registry, release(models.get(r % 2), r + 1, stack), SWAP_TIMEOUT);
          switchMs.add(swap.switchMs());
          out.printf(Locale.ROOT, "%4d  %7d  %-12s  %10d  %-12s  %9d  %10d  %9d%n", r, r + 1, modelNames.get(r % 2),
              swap.publishMs(), swap.subtaskMs().stream().map(String::valueOf).collect(Collectors.joining(",")),
              swap.switchMs(), swap.visibleMs(), swap.eventsMs());
          out.flush();
        }
        Duration commit = Duration.ofMillis(2 * checkpointIntervalMs + 1000);
        SwapObserver.TrainingLatency latency = observer.latencyWhileTraining(latencyWindow,
            () -> ClipPublisher.publish(stack.bootstrap(), KafkaClientConfig.NONE, Topic.TRAINING_CLIPS.topicName(),
                TrainingLoad.clips(BACKBONE_ID, dimension, clip, retrainClips, 3)), RETRAIN_TIMEOUT, commit);
        print(out, latency);
        fleet.stop(Duration.ofSeconds(10));
        observer.drain(commit);
        List<String> problems = observer.continuityProblems(stride);
        if (!problems.isEmpty()) {
          throw new IllegalStateException("events across the swaps: " + String.join("; ", problems));
        }
        out.printf(Locale.ROOT, "%d swaps: every subtask served the new version after %d ms (median), %d ms (max); "
            + "%d events, one per stride per camera, versions never went back%n", switchMs.size(),
            BenchEvents.percentile(switchMs, 50), switchMs.stream().mapToLong(Long::longValue).max().orElse(0),
            observer.eventCount());
        out.printf("swap_ms=%d p99_ms_idle=%d p99_ms_training=%d%n", BenchEvents.percentile(switchMs, 50),
            latency.idle().p(99), latency.training().p(99));
        out.flush();
        return 0;
      } finally {
        stack.flink().cancel(retrain, Duration.ofSeconds(30));
        stack.flink().cancel(job, Duration.ofSeconds(30));
      }
    }
  }

  /** Prints the latency with the retrain job idle and while it trained, and its decision. */
  private static void print(PrintWriter out, SwapObserver.TrainingLatency latency) {
    out.println("frame-to-event latency (the events' latencyMs), by when they were emitted:");
    out.printf("%-9s  %7s  %6s  %6s  %6s  %6s%n", "retrain", "seconds", "events", "p50_ms", "p99_ms", "max_ms");
    for (var phase : List.of(Map.entry("idle", latency.idle()), Map.entry("training", latency.training()))) {
      SwapObserver.Phase p = phase.getValue();
      out.printf(Locale.ROOT, "%-9s  %7.1f  %6d  %6d  %6d  %6d%n", phase.getKey(), p.millis() / 1000.0,
          p.latencies().size(), p.p(50), p.p(99), p.max());
    }
    RetrainStatus decision = latency.decision();
    out.printf(Locale.ROOT, "retrain job: %s after %d ms of training on %d clips (%d held out): %s%n",
        decision.getDecision(), decision.getTrainingMs(), decision.getTrainingClips(), decision.getValidationClips(),
        decision.getReason());
    out.flush();
  }

  private JobID submit(LocalStack stack) throws Exception {
    StreamExecutionEnvironment env = stack.flink().environment();
    env.enableCheckpointing(checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
    stack.job(JobCommand.config(null, parallelism, 8, 20, stride)
            .withWatermarks(Duration.ofMillis(200), Duration.ofSeconds(1)))
        .backbone(new PrecomputedFeatures(BACKBONE_ID, dimension)).build(env);
    return stack.flink().submit(env, "bench swap");
  }

  private static ModelRelease release(byte[] model, long version, LocalStack stack) {
    return ModelRegistry.release(ModelArtifacts.fromBytes(model, "bench model").manifest(), model, version,
        stack.signer());
  }
}
