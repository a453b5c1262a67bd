package io.vibstream.cli;

import io.vibstream.connectors.kafka.Topic;
import io.vibstream.local.bench.BenchEvents;
import io.vibstream.local.bench.PrecomputedFeatures;
import io.vibstream.local.bench.SyntheticModels;
import io.vibstream.local.ModelRegistry;
import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.kafka.ClipPublisher;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.kafka.KafkaClientConfig;
import io.vibstream.connectors.synth.SyntheticCamera;
import io.vibstream.flink.job.ActionRecognitionJob;
import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.local.LocalFlink;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.model.signing.TrustedKeys;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.RetrainDecision;
import io.vibstream.schemas.RetrainStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream bench swap}: how long a running job takes to serve a newly published model.
 * An embedded broker and a local cluster run the job (precomputed features in place of the CNN,
 * exactly-once sinks, realtime synthetic cameras); releases that alternate between two models of
 * different hidden size and kept inputs are published one after the other. Per swap: the time from
 * the start of the publish until its transaction committed, until every subtask switched (its
 * {@code ModelStatus} timestamp: {@code switch_ms}, the swap time), until the last status was
 * visible to a read_committed reader (bound by the checkpoints), and until every camera had
 * emitted an event with the new version. Then the frame-to-event latency (the events' own
 * {@code latencyMs}): its p99 over a window with the retrain job beside the inference job idle,
 * then over the time the retrain job trains a candidate on labelled clips published for it (its
 * {@code RetrainStatus}: {@code trainingMs} up to the decision). Afterwards every camera's events
 * must be one per stride with versions that never go back, or the command fails.
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

  @Option(names = "--retrain-clips", paramLabel = "N", description = "labelled clips that start the one training "
      + "(default: ${DEFAULT-VALUE})")
  int retrainClips = 800;

  @Option(names = "--retrain-epochs", paramLabel = "E", description = "fine-tuning epochs of that training; a dense "
      + "model then gets E/2 VIB and E/2 frozen-mask epochs (default: ${DEFAULT-VALUE})")
  int retrainEpochs = 40;

  /** One swap's measurements, in ms from the start of the publish. */
  record Swap(long version, String model, long publishMs, List<Long> subtaskMs, long visibleMs, long eventsMs) {
    long switchMs() {
      return subtaskMs.stream().mapToLong(Long::longValue).max().orElseThrow();
    }
  }

  /** The p99 of the events' latency in ms with the retrain job idle and while it trained. */
  record Latency(long idleP99, long trainingP99) {}

  @Override
  public Integer call() throws Exception {
    if (swaps < 1 || parallelism < 1 || cameras < 1 || clip < 1 || stride < 1 || dimension < 2 || !(fps > 0)
        || retrainClips < 10 || retrainEpochs < 1 || latencyWindow.toMillis() < 1) {
      throw new IllegalArgumentException("--swaps, --parallelism, --cameras, --clip, --stride, --fps, --retrain-epochs "
          + "must be >= 1 (> 0 for --fps), --dimension >= 2, --retrain-clips >= 10 and --latency-window > 0");
    }
    PrintWriter out = spec.commandLine().getOut();
    int[] all = new int[dimension];
    int[] even = new int[(dimension + 1) / 2];
    for (int i = 0; i < dimension; i++) {
      all[i] = i;
    }
    for (int i = 0; i < even.length; i++) {
      even[i] = 2 * i;
    }
    List<byte[]> models = List.of(SyntheticModels.random(BACKBONE_ID, dimension, clip, all, 32, 1),
        SyntheticModels.random(BACKBONE_ID, dimension, clip, even, 16, 2));
    List<String> modelNames = List.of("H'=32 D'=" + all.length, "H'=16 D'=" + even.length);
    List<Swap> done = new ArrayList<>();
    List<String> problems;
    int events;
    Latency latency;
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        ModelRegistry registry = new ModelRegistry(kafka.bootstrapServers(), Topic.MODELS.topicName())) {
      ReleaseSigner signer = ReleaseSigner.generate(); // a throwaway key: releases signed, both jobs trust it
      kafka.createTopic(Topic.FRAMES.topicName(), Math.max(2, parallelism), false);
      kafka.createTopic(Topic.EVENTS.topicName(), Math.max(2, parallelism), false);
      kafka.createTopic(Topic.MODELS.topicName(), 1, true);
      kafka.createTopic(Topic.MODEL_STATUS.topicName(), 1, false);
      kafka.createTopic(Topic.FRAMES_DEAD_LETTER.topicName(), 1, false);
      kafka.createTopic(Topic.TRAINING_CLIPS.topicName(), 1, false);
      kafka.createTopic(Topic.RETRAIN_STATUS.topicName(), 1, false);
      registry.publish(release(models.get(0), 1, signer));
      List<String> names = new ArrayList<>();
      for (int i = 0; i < cameras; i++) {
        names.add("cam" + i);
      }
      ExecutorService pool = Executors.newFixedThreadPool(cameras);
      List<CameraPublisher> publishers = new ArrayList<>();
      List<Future<CameraPublisher.Stats>> running = new ArrayList<>();
      try (SwapObserver observer = new SwapObserver(kafka.bootstrapServers(), parallelism, names);
          LocalFlink flink = LocalFlink.start(parallelism + 1)) {
        JobID job = submit(flink, kafka.bootstrapServers(), signer.trustedKeys());
        JobID retrain = TrainingLoad.submit(flink, kafka.bootstrapServers(), checkpointIntervalMs, retrainClips,
            retrainEpochs, signer);
        try {
          for (int i = 0; i < cameras; i++) {
            CameraPublisher p = CameraPublisher.create(kafka.bootstrapServers(), Topic.FRAMES.topicName(),
                names.get(i));
            String url = "synth://" + names.get(i) + "?seed=" + (i + 1) + "&fps=" + fps
                + "&size=32x32&realtime=true&loop=true";
            publishers.add(p);
            running.add(pool.submit(() -> {
              try (SyntheticCamera camera = SyntheticCamera.open(url)) {
                return p.run(camera, 0);
              }
            }));
          }
          observer.awaitSwap(1, System.currentTimeMillis(), Duration.ofSeconds(60));
          out.printf(Locale.ROOT, "job running (parallelism %d, checkpoints every %d ms) with the retrain job beside "
              + "it, %d cameras at %.0f fps, version 1 (%s) serving; every camera emits events%n", parallelism,
              checkpointIntervalMs, cameras, fps, modelNames.get(0));
          out.printf("%4s  %7s  %-12s  %10s  %-12s  %9s  %10s  %9s%n", "swap", "version", "model", "publish_ms",
              "subtasks_ms", "switch_ms", "visible_ms", "events_ms");
          out.flush();
          for (int r = 1; r <= swaps; r++) {
            long version = r + 1;
            int m = r % 2;
            long t0 = System.currentTimeMillis();
            registry.publish(release(models.get(m), version, signer));
            long published = System.currentTimeMillis() - t0;
            SwapObserver.Result result = observer.awaitSwap(version, t0, SWAP_TIMEOUT);
            Swap swap = new Swap(version, modelNames.get(m), published, result.subtaskMs(), result.visibleMs(),
                result.eventsMs());
            done.add(swap);
            out.printf(Locale.ROOT, "%4d  %7d  %-12s  %10d  %-12s  %9d  %10d  %9d%n", r, version, swap.model(),
                swap.publishMs(), swap.subtaskMs().stream().map(String::valueOf).collect(Collectors.joining(",")),
                swap.switchMs(), swap.visibleMs(), swap.eventsMs());
            out.flush();
          }
          latency = latencyWhileTraining(observer, kafka.bootstrapServers(), out);
          publishers.forEach(CameraPublisher::stop);
          observer.drain(Duration.ofMillis(2 * checkpointIntervalMs + 1000));
          problems = observer.continuityProblems(stride);
          events = observer.eventCount();
        } finally {
          publishers.forEach(CameraPublisher::stop);
          flink.cancel(retrain, Duration.ofSeconds(30));
          flink.cancel(job, Duration.ofSeconds(30));
        }
      } finally {
        for (Future<CameraPublisher.Stats> f : running) {
          try {
            f.get(10, TimeUnit.SECONDS);
          } catch (Exception e) {
            f.cancel(true);
          }
        }
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        publishers.forEach(CameraPublisher::close);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("events across the swaps: " + String.join("; ", problems));
    }
    List<Long> switchMs = done.stream().map(Swap::switchMs).toList();
    out.printf(Locale.ROOT, "%d swaps: every subtask served the new version after %d ms (median), %d ms (max); %d "
        + "events, one per stride per camera, versions never went back%n", done.size(),
        BenchEvents.percentile(switchMs, 50), switchMs.stream().mapToLong(Long::longValue).max().orElse(0), events);
    Map<String, Long> summary = new LinkedHashMap<>();
    summary.put("swap_ms", BenchEvents.percentile(switchMs, 50));
    summary.put("p99_ms_idle", latency.idleP99());
    summary.put("p99_ms_training", latency.trainingP99());
    out.println(summary.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" ")));
    out.flush();
    return 0;
  }

  /**
   * The events' latency over {@code --latency-window} with the retrain job idle, then while it
   * trains on {@code --retrain-clips} clips published now (from {@code trainingMs} before its
   * decision to the decision); prints a table and the decision.
   */
  private Latency latencyWhileTraining(SwapObserver observer, String bootstrap, PrintWriter out) throws Exception {
    long idleFrom = System.currentTimeMillis();
    observer.drain(latencyWindow);
    long idleTo = System.currentTimeMillis();
    ClipPublisher.publish(bootstrap, KafkaClientConfig.NONE, Topic.TRAINING_CLIPS.topicName(),
        TrainingLoad.clips(BACKBONE_ID, dimension, clip, retrainClips, 3));
    RetrainStatus decision = observer.awaitRetrain(RETRAIN_TIMEOUT);
    if (decision.getDecision() != RetrainDecision.PUBLISHED && decision.getDecision() != RetrainDecision.REJECTED) {
      throw new IllegalStateException("the retrain job trained no candidate: " + decision.getDecision() + ": "
          + decision.getReason());
    }
    long trainingTo = decision.getCreatedAt().toEpochMilli();
    long trainingFrom = trainingTo - decision.getTrainingMs();
    observer.drain(Duration.ofMillis(2 * checkpointIntervalMs + 1000)); // until the events emitted by then are committed
    List<Long> idle = observer.latencies(idleFrom, idleTo);
    List<Long> training = observer.latencies(trainingFrom, trainingTo);
    if (training.isEmpty()) {
      throw new IllegalStateException("no event was emitted during the " + decision.getTrainingMs() + " ms of "
          + "training, so there is no latency to measure: raise --retrain-epochs or --retrain-clips");
    }
    out.println("frame-to-event latency (the events' latencyMs), by when they were emitted:");
    out.printf("%-9s  %7s  %6s  %6s  %6s  %6s%n", "retrain", "seconds", "events", "p50_ms", "p99_ms", "max_ms");
    printLatency(out, "idle", idleTo - idleFrom, idle);
    printLatency(out, "training", trainingTo - trainingFrom, training);
    out.printf(Locale.ROOT, "retrain job: %s after %d ms of training on %d clips (%d held out): %s%n",
        decision.getDecision(), decision.getTrainingMs(), decision.getTrainingClips(), decision.getValidationClips(),
        decision.getReason());
    out.flush();
    return new Latency(BenchEvents.percentile(idle, 99), BenchEvents.percentile(training, 99));
  }

  private static void printLatency(PrintWriter out, String phase, long millis, List<Long> latency) {
    out.printf(Locale.ROOT, "%-9s  %7.1f  %6d  %6d  %6d  %6d%n", phase, millis / 1000.0, latency.size(),
        BenchEvents.percentile(latency, 50), BenchEvents.percentile(latency, 99),
        latency.stream().mapToLong(Long::longValue).max().orElse(0));
  }

  private JobID submit(LocalFlink flink, String bootstrap, TrustedKeys trust) throws Exception {
    StreamExecutionEnvironment env = flink.environment();
    env.enableCheckpointing(checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
    ActionRecognitionJob.Config config = JobCommand.config(null, parallelism, 8, 20, stride)
        .withWatermarks(Duration.ofMillis(200), Duration.ofSeconds(1));
    String id = "bench-swap-" + UUID.randomUUID();
    KafkaWiring.of(bootstrap).withIds(id, id).job(config).trustedKeys(trust)
        .backbone(new PrecomputedFeatures(BACKBONE_ID, dimension)).build(env);
    return flink.submit(env, "bench swap");
  }

  private static ModelRelease release(byte[] model, long version, ReleaseSigner signer) {
    return ModelRegistry.release(ModelArtifacts.fromBytes(model, "bench model").manifest(), model, version, signer);
  }
}
