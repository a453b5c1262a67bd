package io.vibstream.cli;

import io.vibstream.connectors.kafka.Topic;
import io.vibstream.local.ModelRegistry;
import static io.vibstream.cli.JobRest.stat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.synth.SyntheticCamera;
import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.flink.functions.BackboneFactory;
import io.vibstream.flink.job.ActionRecognitionJob;
import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.local.LocalFlink;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.backbone.BuiltinCnn;
import io.vibstream.model.backbone.BuiltinCnnArtifact;
import io.vibstream.model.backbone.BuiltinCnnTrainer;
import io.vibstream.model.backbone.FeatureExtractor;
import io.vibstream.model.backbone.FeatureExtractors;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream bench pipeline}: the backbone alone against the whole job on a local cluster
 * (embedded Kafka, heap state, exactly-once sink, 1 s checkpoints).
 *
 * <ul>
 *   <li>(a) the backbone alone (default: the shipped demo backbone): one thread, batches of
 *       {@code --max-batch} rendered frames;
 *   <li>(b) the full job: JPEG frames of {@code --cameras} synthetic cameras are preloaded into
 *       Kafka, then the job reads them from the start; its throughput is measured between the
 *       first and the last event's emission time;
 *   <li>(c) the plumbing alone: {@code --plumbing-frames} frames of {@code --plumbing-cameras}
 *       cameras that computed their features themselves ({@code F32_FEATURES}: no JPEG decode, no
 *       backbone call) are preloaded into a topic of 4 partitions (one idempotent producer, acks=all,
 *       capture times 40 ms apart from a fixed start, camera ids spread evenly over the partitions
 *       and the keyed subtasks), then the same topology (Kafka source,
 *       decode, batch, backbone pass-through, keyed recognizer with a VIB-shaped model: 27 of 51
 *       inputs kept, hidden 22, clip 32, exactly-once Kafka sink) runs once to warm the JIT up (not
 *       counted), then once with heap ({@code hashmap}) state and once with {@code rocksdb} state (files in a temporary
 *       directory), each measured like (b) (a run still going after {@code --plumbing-seconds} is
 *       measured on the events it produced by then); checkpoints go to a temporary directory;
 *   <li>(d) frame-to-event latency with realtime cameras at 80% of (b)'s rate (at most 60 fps a camera: as
 *       many cameras as that takes, at least {@code --cameras}) in steady state: the cameras start with the
 *       job and run {@code --latency-seconds} after a warm-up of 5 s (tasks deploying, backbones loading,
 *       their first batches), whose events are not counted. Like (b)'s preloaded frames, the cameras'
 *       frames are rendered before the run (200 a camera, replayed in a loop at the camera's rate and
 *       JPEG-encoded as they are sent): drawing the synthetic scenes is the cameras' work, not the
 *       pipeline's, and would otherwise share the same two cores;
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
  /** Frames each latency-run camera renders beforehand and then replays in a loop. */
  private static final int REPLAY_FRAMES = 200;
  /** The latency run's first seconds, not counted: the job starts while the cameras do. */
  private static final Duration LIVE_WARM_UP = Duration.ofSeconds(5);

  /** Backbone id of the plumbing runs' cameras (features computed on the camera). */
  static final String PLUMBING_BACKBONE = "bench-on-camera-features";
  static final int PLUMBING_DIMENSION = 51;
  static final int PLUMBING_KEPT = 27;
  static final int PLUMBING_HIDDEN = 22;
  static final int PLUMBING_CLIP = 32;
  static final String PLUMBING_FRAMES = "frames-plumbing";
  static final int PLUMBING_PARTITIONS = 4;
  /** A preloaded run ends early after this long without events (RocksDB checkpoints can take seconds). */
  static final Duration PRELOADED_QUIET = Duration.ofSeconds(30);
  static final String PLUMBING_MODELS = "models-plumbing";
  /** Capture time of every plumbing camera's frame 0. */
  static final Instant PLUMBING_START = Instant.parse("2026-01-01T00:00:00Z");

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

  @Option(names = "--flush-interval-ms", description = "network buffer flush interval before the recognisers "
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

  /** A throwaway key of this run: its models are signed and its jobs trust only this key. */
  private ReleaseSigner signer;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    signer = ReleaseSigner.generate();
    Path dir = Files.createTempDirectory("vibstream-bench-pipeline");
    try {
      String spec = backbone;
      Path shipped = System.getProperty("vibstream.home") == null ? null
          : Path.of(System.getProperty("vibstream.home"), "models", "demo", "backbone.cnn");
      if (spec == null && shipped != null && Files.isRegularFile(shipped)) {
        spec = "builtin:" + shipped;
      } else if (spec == null) {
        BuiltinCnnArtifact cnn = BuiltinCnnTrainer.untrained(BuiltinCnn.DEFAULT_SIZE, BuiltinCnn.DEFAULT_CHANNELS,
            List.of("a", "b", "c"), 1);
        cnn.write(dir.resolve("cnn.bin"));
        spec = "builtin:" + dir.resolve("cnn.bin");
      }
      String id;
      int dimension;
      double backboneFps;
      List<BufferedImage> images = render(256);
      try (FeatureExtractor extractor = FeatureExtractors.open(spec)) {
        id = extractor.id();
        dimension = extractor.dimension();
        extractor.extract(images.subList(0, 64), maxBatch); // warm-up
        long t0 = System.nanoTime();
        extractor.extract(images, maxBatch);
        backboneFps = images.size() / ((System.nanoTime() - t0) / 1e9);
      }
      out.printf(Locale.ROOT, "(a) backbone alone %s: %.0f frames/s (batch %d, %s frames, one thread)%n", id,
          backboneFps, maxBatch, size);
      out.flush();
      Path vib = dir.resolve("model.vib");
      byte[] model = randomModel(id, dimension, clip);
      Files.write(vib, model);

      double pipelineFps;
      double plumbingFps;
      double plumbingRocksDbFps;
      long p50;
      long p99;
      double stateBytes;
      try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
        kafka.createTopic(Topic.MODELS.topicName(), 1, true);
        kafka.createTopic(Topic.FRAMES_DEAD_LETTER.topicName(), 1, false);
        kafka.createTopic(Topic.MODEL_STATUS.topicName(), 1, false);
        for (String t : List.of("frames-pre", "frames-live", "events-b", "events-c-warm-up", "events-c", "events-c-rocksdb", "events-d")) {
          kafka.createTopic(t, Math.max(2, parallelism), false);
        }
        ModelRegistry.publish(kafka.bootstrapServers(), Topic.MODELS.topicName(), vib, 1L, signer);
        preload(kafka.bootstrapServers(), "frames-pre");
        out.printf(Locale.ROOT, "preloaded %d frames of %d cameras%n", (long) frames * cameras, cameras);
        out.flush();
        Workload pre = new Workload(cameras, frames, clip);
        Run b = run(kafka, spec, null, "frames-pre", Topic.MODELS.topicName(), "events-b", null, pre,
            new Configuration());
        pipelineFps = b.fps;
        stateBytes = b.stateBytesPerCamera;
        out.printf(Locale.ROOT, "(b) full job: %.0f frames/s sustained = %.2f x the backbone alone (%d events)%n",
            pipelineFps, pipelineFps / backboneFps, b.events.size());
        out.flush();
        Workload plumbing = new Workload(plumbingCameras, plumbingFrames / plumbingCameras, PLUMBING_CLIP);
        Path plumbingModel = Files.write(dir.resolve("plumbing.vib"), plumbingModel());
        kafka.createTopic(PLUMBING_MODELS, 1, true);
        ModelRegistry.publish(kafka.bootstrapServers(), PLUMBING_MODELS, plumbingModel, 1L, signer);
        kafka.createTopic(PLUMBING_FRAMES, PLUMBING_PARTITIONS, false);
        long t0 = System.nanoTime();
        long preloaded = preloadFeatures(kafka.bootstrapServers(), PLUMBING_FRAMES, PLUMBING_PARTITIONS, parallelism,
            plumbing);
        out.printf(Locale.ROOT, "preloaded %d F32_FEATURES frames (%d floats) of %d cameras in %.1f s%n", preloaded,
            PLUMBING_DIMENSION, plumbing.cameras, (System.nanoTime() - t0) / 1e9);
        out.flush();
        BackboneFactory onCamera = new PrecomputedFeatures(PLUMBING_BACKBONE, PLUMBING_DIMENSION);
        // The JVM's first run of these code paths is measured too, but only the next runs count: until
        // C2 has compiled them, the LSTM's Vector API kernels run in their allocating fallback.
        Run warmUp = run(kafka, null, onCamera, PLUMBING_FRAMES, PLUMBING_MODELS, "events-c-warm-up", null, plumbing,
            plumbingState("hashmap", dir));
        out.printf(Locale.ROOT, "(c) plumbing, JIT warm-up run (heap state, not counted): %.0f frames/s%n", warmUp.fps);
        out.flush();
        plumbingFps = plumbing(out, kafka, onCamera, plumbing, "hashmap", "heap (hashmap)", "events-c", dir);
        plumbingRocksDbFps = plumbing(out, kafka, onCamera, plumbing, "rocksdb", "RocksDB", "events-c-rocksdb", dir);
        // 80% of the sustained rate, from as many realtime cameras as it takes at <= MAX_CAMERA_FPS each
        int liveCameras = Math.max(cameras, (int) Math.ceil(0.8 * pipelineFps / MAX_CAMERA_FPS));
        double fps = 0.8 * pipelineFps / liveCameras;
        Run d = run(kafka, spec, null, "frames-live", Topic.MODELS.topicName(), "events-d", fps,
            new Workload(liveCameras, frames, clip), new Configuration());
        long steady = d.liveStartMs + LIVE_WARM_UP.toMillis();
        List<Long> latencies = d.events.stream().filter(e -> e.getWindowEnd().toEpochMilli() >= steady)
            .map(e -> e.getLatencyMs()).toList();
        p50 = DemoCommand.percentile(latencies, 50);
        p99 = DemoCommand.percentile(latencies, 99);
        out.printf(Locale.ROOT, "(d) %d realtime cameras at %.1f fps each (80%% of sustained): frame-to-event latency "
            + "p50 %d ms, p99 %d ms (%d events after a %d s warm-up)%n", liveCameras, fps, p50, p99, latencies.size(),
            LIVE_WARM_UP.toSeconds());
        out.printf(Locale.ROOT, "(d) where the time goes: %s%n", d.timeProfile);
        out.printf(Locale.ROOT, "(e) keyed state ~%.0f bytes per camera (last checkpoint's state minus the broadcast "
            + "model, per camera)%n", stateBytes);
      }
      out.printf(Locale.ROOT, "backbone_fps=%.0f pipeline_fps=%.0f ratio=%.2f plumbing_fps=%.0f p50_ms=%d p99_ms=%d "
          + "state_bytes_per_camera=%.0f plumbing_rocksdb_fps=%.0f%n", backboneFps, pipelineFps,
          pipelineFps / backboneFps, plumbingFps, p50, p99, stateBytes, plumbingRocksDbFps);
      out.flush();
      return 0;
    } finally {
      BenchFiles.deleteTree(dir);
    }
  }

  /** A run's events and rates; {@code liveStartMs}: when realtime cameras started, else 0. */
  private record Run(List<ActionEvent> events, double fps, double stateBytesPerCamera, boolean complete,
      long liveStartMs, String timeProfile) {}

  /** What a run reads: {@code frames} frames of each of {@code cameras} cameras, a model of clip {@code clip}. */
  record Workload(int cameras, int frames, int clip) {
    int stride() {
      return Math.max(1, clip / 4);
    }

    long expectedEvents() {
      return frames < clip ? 0 : (long) ((frames - clip) / stride() + 1) * cameras;
    }
  }

  /** One plumbing run with {@code backend} state, printed; its frames/s. */
  private double plumbing(PrintWriter out, EmbeddedKafka kafka, BackboneFactory onCamera, Workload plumbing,
      String backend, String name, String eventsTopic, Path dir) throws Exception {
    Run r = run(kafka, null, onCamera, PLUMBING_FRAMES, PLUMBING_MODELS, eventsTopic, null, plumbing,
        plumbingState(backend, dir));
    out.printf(Locale.ROOT, "(c) plumbing, features computed on the cameras, %s state: %.0f frames/s (%d events%s)%n",
        name, r.fps, r.events.size(), r.complete ? "" : ", stopped early, " + plumbing.expectedEvents() + " expected");
    out.flush();
    return r.fps;
  }

  /** The plumbing runs' cluster settings: state backend {@code type}, its and the checkpoints' files under {@code dir}. */
  private static Configuration plumbingState(String type, Path dir) throws Exception {
    Path files = Files.createTempDirectory(dir, "state-" + type + "-");
    Configuration c = LocalFlink.stateBackend(type, files.resolve("rocksdb"));
    c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, files.resolve("checkpoints").toUri().toString());
    return c;
  }

  /**
   * Runs the job on {@code framesTopic} (models from {@code modelsTopic}) on a cluster with the
   * extra settings {@code cluster}; with {@code liveFps} the cameras publish in real time meanwhile.
   */
  private Run run(EmbeddedKafka kafka, String spec, BackboneFactory factory, String framesTopic, String modelsTopic,
      String eventsTopic, Double liveFps, Workload load, Configuration cluster) throws Exception {
    int cameras = load.cameras;
    try (LocalFlink flink = LocalFlink.start(parallelism, cluster)) {
      StreamExecutionEnvironment env = flink.environment();
      env.enableCheckpointing(1000, CheckpointingMode.EXACTLY_ONCE);
      ActionRecognitionJob.Config config = JobCommand.config(spec, parallelism, maxBatch, maxBatchWaitMs, 0)
          .withFlushInterval(flushIntervalMs)
          .withWatermarks(Duration.ofMillis(200), Duration.ofSeconds(1));
      String group = "bench-" + UUID.randomUUID();
      ActionRecognitionJob job = KafkaWiring.of(kafka.bootstrapServers())
          .withTopics(framesTopic, modelsTopic, eventsTopic, Topic.FRAMES_DEAD_LETTER.topicName()).withIds(group, group)
          .job(config).trustedKeys(signer.trustedKeys());
      if (factory != null) {
        job.backbone(factory);
      }
      job.build(env);
      JobID id = flink.submit(env, "bench");
      ExecutorService pool = null;
      List<Future<?>> live = new ArrayList<>();
      long deadline;
      long liveStartMs = 0;
      if (liveFps != null) {
        List<List<VideoFrame>> rendered = new ArrayList<>();
        for (int i = 0; i < cameras; i++) {
          rendered.add(renderFrames("live" + i, i + 1, REPLAY_FRAMES));
        }
        pool = Executors.newFixedThreadPool(cameras);
        liveStartMs = System.currentTimeMillis();
        long liveFrames = (long) (liveFps * (latencySeconds + LIVE_WARM_UP.toSeconds()));
        for (int i = 0; i < cameras; i++) {
          String name = "live" + i;
          ReplaySource replay = new ReplaySource(rendered.get(i), liveFps);
          live.add(pool.submit(() -> {
            try (CameraPublisher p = CameraPublisher.create(kafka.bootstrapServers(), framesTopic, name)) {
              return p.run(replay, liveFrames);
            }
          }));
        }
        deadline = System.nanoTime() + Duration.ofSeconds(latencySeconds + LIVE_WARM_UP.toSeconds() + 30).toNanos();
      } else {
        deadline = System.nanoTime() + Duration.ofSeconds(framesTopic.equals(PLUMBING_FRAMES) ? plumbingSeconds : 240)
            .toNanos();
      }
      List<ActionEvent> events = new ArrayList<>();
      double state = 0;
      String profile = "";
      boolean complete = false;
      try (KafkaConsumer<String, ActionEvent> consumer =
          BenchEvents.committedReader(kafka.bootstrapServers(), eventsTopic)) {
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
          int n = 0;
          for (ConsumerRecord<String, ActionEvent> r : consumer.poll(Duration.ofMillis(200))) {
            events.add(r.value());
            n++;
          }
          if (n > 0) {
            quietSince = System.nanoTime();
          }
          boolean liveDone = live.stream().allMatch(Future::isDone);
          // A camera's last window or two may never close: its last frames stay behind the watermark.
          long quiet = System.nanoTime() - quietSince;
          if (liveFps == null && (events.size() >= load.expectedEvents()
              || (events.size() >= load.expectedEvents() - 2L * cameras && quiet > Duration.ofSeconds(5).toNanos()))) {
            complete = true;
            break;
          }
          if (liveFps == null && !events.isEmpty() && quiet > PRELOADED_QUIET.toNanos()) {
            break; // stuck or too slow: measured on what came out
          }
          if (liveFps != null && liveDone && !events.isEmpty()
              && System.nanoTime() - quietSince > Duration.ofSeconds(4).toNanos()) {
            complete = true;
            break;
          }
        }
        state = stateBytesPerCamera(flink, id, cameras);
        profile = liveFps == null ? "" : timeProfile(flink, id);
      } finally {
        if (pool != null) {
          pool.shutdownNow();
          pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        flink.cancel(id, Duration.ofSeconds(30));
      }
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (ActionEvent e : events) {
        long emitted = BenchEvents.emittedMs(e);
        first = Math.min(first, emitted);
        last = Math.max(last, emitted);
      }
      // frames processed between the first and the last event: each later event moved its camera one stride on
      long between = (long) Math.max(0, events.size() - cameras) * load.stride();
      double fps = events.size() < 2 || last <= first ? 0 : between / ((last - first) / 1000.0);
      return new Run(events, fps, state, complete, liveStartMs, profile);
    }
  }

  /** The last completed checkpoint's state size minus the broadcast model (one copy per subtask), per camera. */
  private double stateBytesPerCamera(LocalFlink flink, JobID job, int cameras) {
    try {
      JsonNode latest = new JobRest(flink, job).checkpoints().path("latest").path("completed");
      long total = latest.path("state_size").asLong(0);
      long modelCopies = (long) parallelism * randomModel("x", 1, clip).length; // rough: model bytes in broadcast state
      return Math.max(0, total - modelCopies) / (double) cameras;
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * The job's own account of a run, from its REST API: batch size and backbone time per batch
   * (the last 1,024 batches of each subtask; p99 is the worse subtask's) and the checkpoints'
   * end-to-end durations; "n/a" for what the API did not give.
   */
  private static String timeProfile(LocalFlink flink, JobID job) {
    try {
      JobRest rest = new JobRest(flink, job);
      Map<String, JsonNode> metrics = rest.subtaskMetrics("backbone",
          "batch.batchSize_mean,backbone.backboneMs_median,backbone.backboneMs_p99");
      JsonNode e2e = rest.checkpoints().path("summary").path("end_to_end_duration");
      return String.format(Locale.ROOT, "batches of %s frames on average, backbone %s ms p50 / %s ms p99 a batch; "
          + "checkpoints %s ms average / %s ms p99 / %s ms max end to end",
          stat(metrics.get("batch.batchSize_mean"), "avg", "%.1f"), stat(metrics.get("backbone.backboneMs_median"), "avg", "%.0f"),
          stat(metrics.get("backbone.backboneMs_p99"), "max", "%.0f"), stat(e2e, "avg", "%.0f"), stat(e2e, "p99", "%.0f"),
          stat(e2e, "max", "%.0f"));
    } catch (Exception e) {
      return "n/a (" + e.getMessage() + ")";
    }
  }

  /** {@code n} frames of the synthetic camera {@code name} with {@code seed}, rendered as fast as it can. */
  private List<VideoFrame> renderFrames(String name, int seed, int n) throws IOException {
    List<VideoFrame> out = new ArrayList<>(n);
    try (SyntheticCamera camera = SyntheticCamera.open("synth://" + name + "?seed=" + seed + "&size=" + size
        + "&realtime=false&loop=true")) {
      for (int i = 0; i < n; i++) {
        out.add(camera.next());
      }
    }
    return out;
  }

  private void preload(String bootstrap, String topic) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(cameras, 2));
    try {
      List<Future<CameraPublisher.Stats>> runs = new ArrayList<>();
      for (int i = 0; i < cameras; i++) {
        String name = "cam" + i;
        String url = "synth://" + name + "?seed=" + (i + 1) + "&size=" + size + "&realtime=false&loop=true";
        runs.add(pool.submit(() -> {
          try (CameraPublisher p = CameraPublisher.create(bootstrap, topic, name);
              SyntheticCamera camera = SyntheticCamera.open(url)) {
            return p.run(camera, frames);
          }
        }));
      }
      for (Future<CameraPublisher.Stats> f : runs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Preloads {@code load.frames} F32_FEATURES frames per camera with one idempotent producer
   * (acks=all, linger 5 ms, 256 KB batches), keyed by camera id, cameras interleaved: sequence
   * numbers 0..n-1, capture times 40 ms apart from {@link #PLUMBING_START}, deterministic feature
   * values; camera ids from {@link #balancedCameraIds}. Returns the number of frames written.
   */
  static long preloadFeatures(String bootstrap, String topic, int partitions, int parallelism, Workload load)
      throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, EmbeddedKafka.MAX_RECORD_BYTES);
    // One request in flight: on a loaded machine the first batch to a just-created partition can fail
    // transiently while later ones are accepted, and its retry (sequence 0) is then refused forever with
    // OutOfOrderSequenceException. In order, it simply succeeds on retry; as fast here (~75,000 frames/s).
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    String[] ids = balancedCameraIds(load.cameras, partitions, parallelism);
    long written = 0;
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<String, Frame> producer = new KafkaProducer<>(config, new StringSerializer(),
        new AvroSerializer<>())) {
      for (int seq = 0; seq < load.frames; seq++) {
        Instant captured = PLUMBING_START.plusMillis(40L * seq);
        for (int c = 0; c < ids.length; c++) {
          ByteBuffer vector = ByteBuffer.allocate(PLUMBING_DIMENSION * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
          for (int i = 0; i < PLUMBING_DIMENSION; i++) {
            vector.putFloat(((c * 31 + seq * 7 + i * 13) % 101) / 101f - 0.5f);
          }
          vector.flip();
          Frame frame = new Frame(ids[c], (long) seq, captured, 112, 112, ImageEncoding.F32_FEATURES, vector, null);
          producer.send(new ProducerRecord<>(topic, ids[c], frame), (metadata, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            }
          });
          written++;
        }
        if (failure.get() != null) {
          break;
        }
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("preloading " + topic + " failed: " + failure.get(), failure.get());
    }
    return written;
  }

  /**
   * {@code n} camera ids ({@code camNNN}, deterministic) spread evenly over {@code partitions} Kafka
   * partitions (the default partitioner) and the {@code parallelism} keyed subtasks. Hashing 16
   * arbitrary ids puts e.g. 3/7/3/3 cameras on 4 partitions: a partition with more cameras advances
   * in event time more slowly, holds the watermark back, and the frames of the other partitions
   * wait in the recognizer's state, which then measures that skew rather than the plumbing.
   */
  static String[] balancedCameraIds(int n, int partitions, int parallelism) {
    int maxParallelism = KeyGroupRangeAssignment.computeDefaultMaxParallelism(parallelism);
    int perPartition = (n + partitions - 1) / partitions;
    int perSubtask = (n + parallelism - 1) / parallelism;
    int[] onPartition = new int[partitions];
    int[] onSubtask = new int[parallelism];
    String[] ids = new String[n];
    int found = 0;
    for (int i = 0; found < n; i++) {
      String id = String.format(Locale.ROOT, "cam%03d", i);
      int p = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions;
      int t = KeyGroupRangeAssignment.assignKeyToParallelOperator(id, maxParallelism, parallelism);
      if (onPartition[p] < perPartition && onSubtask[t] < perSubtask) {
        onPartition[p]++;
        onSubtask[t]++;
        ids[found++] = id;
      }
    }
    return ids;
  }

  /** The plumbing runs' model: shaped like a VIB-compressed one (27 of 51 inputs kept, hidden 22, clip 32). */
  static byte[] plumbingModel() {
    int[] kept = new int[PLUMBING_KEPT];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = i * PLUMBING_DIMENSION / PLUMBING_KEPT;
    }
    return randomModel(PLUMBING_BACKBONE, PLUMBING_DIMENSION, PLUMBING_CLIP, kept, PLUMBING_HIDDEN, 7);
  }

  private List<BufferedImage> render(int n) throws Exception {
    List<BufferedImage> out = new ArrayList<>();
    try (SyntheticCamera camera = SyntheticCamera.open("synth://bench?seed=3&size=" + size + "&realtime=false")) {
      for (int i = 0; i < n; i++) {
        VideoFrame f = camera.next();
        out.add(f.image());
      }
    }
    return out;
  }

  /** A random compressed LSTM (all inputs kept, hidden 32, 3 classes) for backbone {@code id}. */
  static byte[] randomModel(String id, int dimension, int clipLength) {
    int[] kept = new int[dimension];
    for (int i = 0; i < dimension; i++) {
      kept[i] = i;
    }
    return randomModel(id, dimension, clipLength, kept, 32, 1);
  }

  /** A random compressed LSTM reading the inputs {@code kept} with hidden size {@code hidden}, 3 classes. */
  static byte[] randomModel(String id, int dimension, int clipLength, int[] kept, int hidden, long seed) {
    List<String> labels = List.of("walk", "wave", "fall");
    Random r = new Random(seed);
    CompressedLstm model = CompressedLstm.builder().featureDim(dimension).keptInputs(kept).hiddenSize(hidden)
        .classes(labels.size())
        .weights(random(r, 4 * hidden * kept.length), random(r, 4 * hidden * hidden), random(r, 4 * hidden))
        .unitGateScales()
        .classifier(random(r, labels.size() * hidden), random(r, labels.size()))
        .build();
    ModelManifest manifest = new ModelManifest(ModelManifest.formatVersionFor(false), 1, "2026-01-01T00:00:00Z",
        labels, new ModelManifest.Backbone(id, dimension), clipLength, false, kept, hidden, dimension, hidden,
        Map.of(), new ModelManifest.Lineage(null, "bench", 0, 0, "random"));
    return ModelArtifacts.toBytes(new ModelArtifact(manifest, model));
  }

  private static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextGaussian() * 0.1);
    }
    return a;
  }

  /**
   * A backbone identity (id and dimension) whose extractor returns one fixed vector per image: the
   * plumbing runs' backbone (their F32_FEATURES frames never reach it) and {@code bench swap}'s.
   */
  static final class PrecomputedFeatures implements BackboneFactory {
    private static final long serialVersionUID = 1L;
    private final String id;
    private final int dimension;

    PrecomputedFeatures(String id, int dimension) {
      this.id = id;
      this.dimension = dimension;
    }

    @Override
    public FeatureExtractor open() {
      float[] vector = new float[dimension];
      for (int i = 0; i < dimension; i++) {
        vector[i] = (i % 7) / 7f;
      }
      return new FeatureExtractor() {
        @Override
        public String id() {
          return id;
        }

        @Override
        public int dimension() {
          return dimension;
        }

        @Override
        public int inputWidth() {
          return 16;
        }

        @Override
        public int inputHeight() {
          return 16;
        }

        @Override
        public float[][] extract(List<BufferedImage> frames) {
          float[][] out = new float[frames.size()][];
          for (int i = 0; i < out.length; i++) {
            out[i] = vector.clone();
          }
          return out;
        }

        @Override
        public void close() {}
      };
    }
  }
}
