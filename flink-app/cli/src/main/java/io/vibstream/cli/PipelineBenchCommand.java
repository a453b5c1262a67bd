package io.vibstream.cli;

import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.flink.job.ActionRecognitionJob;
import io.vibstream.local.LocalFlink;
import io.vibstream.local.ModelRegistry;
import io.vibstream.local.bench.BackboneThroughput;
import io.vibstream.local.bench.BenchEvents;
import io.vibstream.local.bench.OnCameraFeatures;
import io.vibstream.local.bench.PipelineRun.Job;
import io.vibstream.local.bench.PipelineRun.Workload;
import io.vibstream.local.bench.PipelineRun;
import io.vibstream.local.bench.SyntheticFrames;
import io.vibstream.local.bench.SyntheticModels;
import io.vibstream.model.signing.ReleaseSigner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream bench pipeline}: the backbone alone against the whole job on a local cluster
 * (embedded Kafka, heap state, exactly-once sink, 1 s checkpoints; each run a {@link PipelineRun}).
 *
 * <ul>
 *   <li>(a) the backbone alone ({@link BackboneThroughput}; default: the shipped demo backbone);
 *   <li>(b) the full job over the JPEG frames of {@code --cameras} synthetic cameras preloaded into
 *       Kafka, measured between the first and the last event's emission time;
 *   <li>(c) the plumbing alone ({@link OnCameraFeatures}): {@code --plumbing-frames} frames of
 *       {@code --plumbing-cameras} cameras that send their features, on a topic of 4 partitions:
 *       one JIT warm-up run (not counted), then one with heap and one with RocksDB state (files and
 *       checkpoints in a temporary directory), each ending after {@code --plumbing-seconds} at most;
 *   <li>(d) frame-to-event latency with realtime cameras at 80% of (b)'s rate (at most 60 fps a
 *       camera: as many cameras as that takes, at least {@code --cameras}) for
 *       {@code --latency-seconds} after a 5 s warm-up whose events are not counted;
 *   <li>(e) keyed state per camera from (b)'s last checkpoint.
 * </ul>
 *
 * The last line: {@code backbone_fps=X pipeline_fps=X ratio=X plumbing_fps=X p50_ms=X p99_ms=X
 * state_bytes_per_camera=X plumbing_rocksdb_fps=X} (plumbing_fps is the heap run).
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "Backbone alone vs the full job: frames/s, plumbing frames/s, latency at 80%% load, state per camera.")
final class PipelineBenchCommand implements Callable<Integer> {
  /** Highest frame rate of one realtime camera in the latency run. */
  private static final double MAX_CAMERA_FPS = 60;
  /** The latency run's first seconds, not counted: the job starts while the cameras do. */
  private static final Duration LIVE_WARM_UP = Duration.ofSeconds(5);
  private static final String PLUMBING_FRAMES = "frames-plumbing";
  private static final String PLUMBING_MODELS = "models-plumbing";
  private static final int PLUMBING_PARTITIONS = 4;

  @Spec
  CommandSpec spec;

  @Option(names = "--backbone", paramLabel = "SPEC", description = "backbone (default: the shipped demo backbone, "
      + "models/demo/backbone.cnn, else an untrained builtin CNN, 64x64)")
  String backbone;

  @Option(names = "--cameras", description = "cameras (default: ${DEFAULT-VALUE})")
  int cameras = 4;

  @Option(names = "--frames", description = "frames per camera in the throughput runs (default: ${DEFAULT-VALUE})")
  int frames = 300;

  @Option(names = "--size", paramLabel = "WxH", description = "camera frame size (default: ${DEFAULT-VALUE})")
  String size = "112x112";

  @Option(names = "--parallelism", description = "job parallelism (default: ${DEFAULT-VALUE})")
  int parallelism = 2;

  @Option(names = "--max-batch", description = "frames per backbone call (default: ${DEFAULT-VALUE})")
  int maxBatch = 16;

  @Option(names = "--max-batch-wait-ms", description = "batch wait (default: ${DEFAULT-VALUE})")
  long maxBatchWaitMs = 20;

  @Option(names = "--flush-interval-ms", description = "network buffer flush interval before the recognizers "
      + "(default: ${DEFAULT-VALUE})")
  long flushIntervalMs = 5;

  @Option(names = "--clip", description = "LSTM clip length of the random model (default: ${DEFAULT-VALUE})")
  int clip = 16;

  @Option(names = "--plumbing-frames", description = "F32_FEATURES frames in the plumbing runs, all cameras "
      + "together (default: ${DEFAULT-VALUE})")
  int plumbingFrames = 1_000_000;

  @Option(names = "--plumbing-cameras", description = "cameras in the plumbing runs (default: ${DEFAULT-VALUE})")
  int plumbingCameras = 16;

  @Option(names = "--plumbing-seconds", description = "longest a plumbing run may take; a slower one is measured on "
      + "the events it produced by then (default: ${DEFAULT-VALUE})")
  int plumbingSeconds = 120;

  @Option(names = "--latency-seconds", description = "length of the 80%-load latency run (default: ${DEFAULT-VALUE})")
  int latencySeconds = 15;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ReleaseSigner signer = ReleaseSigner.generate(); // a throwaway key: the models are signed, the jobs trust it
    Path dir = Files.createTempDirectory("vibstream-bench-pipeline");
    try {
      String backboneSpec = backboneSpec(dir);
      BackboneThroughput a = BackboneThroughput.measure(backboneSpec, size, maxBatch);
      double backboneFps = a.framesPerSecond();
      say(out, "(a) backbone alone %s: %.0f frames/s (batch %d, %s frames, one thread)", a.id(), backboneFps,
          maxBatch, size);
      Path vib = Files.write(dir.resolve("model.vib"), SyntheticModels.random(a.id(), a.dimension(), clip));
      try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
        String bootstrap = kafka.bootstrapServers();
        kafka.createTopic(Topic.MODELS.topicName(), 1, true);
        kafka.createTopic(Topic.FRAMES_DEAD_LETTER.topicName(), 1, false);
        kafka.createTopic(Topic.MODEL_STATUS.topicName(), 1, false);
        for (String t : List.of("frames-pre", "frames-live", "events-b", "events-c-warm-up", "events-c",
            "events-c-rocksdb", "events-d")) {
          kafka.createTopic(t, Math.max(2, parallelism), false);
        }
        ModelRegistry.publish(bootstrap, Topic.MODELS.topicName(), vib, 1L, signer);
        SyntheticFrames.preload(bootstrap, "frames-pre", cameras, frames, size);
        say(out, "preloaded %d frames of %d cameras", (long) frames * cameras, cameras);
        PipelineRun runs = new PipelineRun(bootstrap, signer.trustedKeys(), parallelism);
        PipelineRun.Result b = runs.preloaded(job(backboneSpec, "frames-pre", Topic.MODELS.topicName(), "events-b"),
            new Workload(cameras, frames, clip), new Configuration(), Duration.ofSeconds(240));
        double pipelineFps = b.fps();
        say(out, "(b) full job: %.0f frames/s sustained = %.2f x the backbone alone (%d events)", pipelineFps,
            pipelineFps / backboneFps, b.events().size());

        Workload plumbing = new Workload(plumbingCameras, plumbingFrames / plumbingCameras, OnCameraFeatures.CLIP);
        kafka.createTopic(PLUMBING_MODELS, 1, true);
        ModelRegistry.publish(bootstrap, PLUMBING_MODELS,
            Files.write(dir.resolve("plumbing.vib"), OnCameraFeatures.model()), 1L, signer);
        kafka.createTopic(PLUMBING_FRAMES, PLUMBING_PARTITIONS, false);
        long t0 = System.nanoTime();
        long preloaded = OnCameraFeatures.preload(bootstrap, PLUMBING_FRAMES, PLUMBING_PARTITIONS, parallelism,
            plumbing.cameras(), plumbing.frames());
        say(out, "preloaded %d F32_FEATURES frames (%d floats) of %d cameras in %.1f s", preloaded,
            OnCameraFeatures.DIMENSION, plumbing.cameras(), (System.nanoTime() - t0) / 1e9);
        // The JVM's first run of these code paths is measured too, but only the next runs count: until
        // C2 has compiled them, the LSTM's Vector API kernels run in their allocating fallback.
        PipelineRun.Result warmUp = plumbing(runs, plumbing, "hashmap", "events-c-warm-up", dir);
        say(out, "(c) plumbing, JIT warm-up run (heap state, not counted): %.0f frames/s", warmUp.fps());
        double plumbingFps = plumbing(out, runs, plumbing, "hashmap", "heap (hashmap)", "events-c", dir);
        double plumbingRocksDbFps = plumbing(out, runs, plumbing, "rocksdb", "RocksDB", "events-c-rocksdb", dir);

        // 80% of the sustained rate, from as many realtime cameras as it takes at <= MAX_CAMERA_FPS each
        int liveCameras = Math.max(cameras, (int) Math.ceil(0.8 * pipelineFps / MAX_CAMERA_FPS));
        double fps = 0.8 * pipelineFps / liveCameras;
        PipelineRun.Result d = runs.live(job(backboneSpec, "frames-live", Topic.MODELS.topicName(), "events-d"),
            new Workload(liveCameras, frames, clip), fps, latencySeconds + LIVE_WARM_UP.toSeconds(), size);
        long steady = d.liveStartMs() + LIVE_WARM_UP.toMillis();
        List<Long> latencies = d.events().stream().filter(e -> e.getWindowEnd().toEpochMilli() >= steady)
            .map(e -> e.getLatencyMs()).toList();
        long p50 = BenchEvents.percentile(latencies, 50);
        long p99 = BenchEvents.percentile(latencies, 99);
        out.printf(Locale.ROOT, "(d) %d realtime cameras at %.1f fps each (80%% of sustained): frame-to-event latency "
            + "p50 %d ms, p99 %d ms (%d events after a %d s warm-up)%n", liveCameras, fps, p50, p99, latencies.size(),
            LIVE_WARM_UP.toSeconds());
        out.printf(Locale.ROOT, "(d) where the time goes: %s%n", d.timeProfile());
        out.printf(Locale.ROOT, "(e) keyed state ~%.0f bytes per camera (last checkpoint's state minus the broadcast "
            + "model, per camera)%n", b.stateBytesPerCamera());
        say(out, "backbone_fps=%.0f pipeline_fps=%.0f ratio=%.2f plumbing_fps=%.0f p50_ms=%d p99_ms=%d "
            + "state_bytes_per_camera=%.0f plumbing_rocksdb_fps=%.0f", backboneFps, pipelineFps,
            pipelineFps / backboneFps, plumbingFps, p50, p99, b.stateBytesPerCamera(), plumbingRocksDbFps);
      }
      return 0;
    } finally {
      BenchFiles.deleteTree(dir);
    }
  }

  /** {@code --backbone}, else the shipped demo backbone, else an untrained builtin CNN written into {@code dir}. */
  private String backboneSpec(Path dir) throws Exception {
    if (backbone != null) {
      return backbone;
    }
    String home = System.getProperty("vibstream.home");
    Path shipped = home == null ? null : Path.of(home, "models", "demo", "backbone.cnn");
    return shipped != null && Files.isRegularFile(shipped) ? "builtin:" + shipped
        : SyntheticModels.untrainedBackbone(dir.resolve("cnn.bin"));
  }

  /** A bench job on the given topics: the backbone {@code backboneSpec} (null: the cameras' features). */
  private Job job(String backboneSpec, String framesTopic, String modelsTopic, String eventsTopic) {
    ActionRecognitionJob.Settings config = JobCommand.config(backboneSpec, parallelism, maxBatch, maxBatchWaitMs, 0)
        .withFlushInterval(flushIntervalMs)
        .withWatermarks(Duration.ofMillis(200), Duration.ofSeconds(1));
    return new Job(config, backboneSpec == null ? OnCameraFeatures.backbone() : null, framesTopic, modelsTopic,
        eventsTopic);
  }

  /** One plumbing run with {@code backend} state, printed; its frames/s. */
  private double plumbing(PrintWriter out, PipelineRun runs, Workload load, String backend, String name,
      String eventsTopic, Path dir) throws Exception {
    PipelineRun.Result r = plumbing(runs, load, backend, eventsTopic, dir);
    say(out, "(c) plumbing, features computed on the cameras, %s state: %.0f frames/s (%d events%s)", name, r.fps(),
        r.events().size(), r.complete() ? "" : ", stopped early, " + load.expectedEvents() + " expected");
    return r.fps();
  }

  /** A plumbing run: state backend {@code type}, its and the checkpoints' files under {@code dir}. */
  private PipelineRun.Result plumbing(PipelineRun runs, Workload load, String type, String eventsTopic, Path dir)
      throws Exception {
    Path files = Files.createTempDirectory(dir, "state-" + type + "-");
    Configuration cluster = LocalFlink.stateBackend(type, files.resolve("rocksdb"));
    cluster.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    cluster.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, files.resolve("checkpoints").toUri().toString());
    return runs.preloaded(job(null, PLUMBING_FRAMES, PLUMBING_MODELS, eventsTopic), load, cluster,
        Duration.ofSeconds(plumbingSeconds));
  }

  private static void say(PrintWriter out, String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
