package io.vibstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.synth.SyntheticCamera;
import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.flink.functions.BackboneFactory;
import io.vibstream.flink.job.ActionRecognitionJob;
import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.flink.job.LocalFlink;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.backbone.BuiltinCnn;
import io.vibstream.model.backbone.BuiltinCnnArtifact;
import io.vibstream.model.backbone.BuiltinCnnTrainer;
import io.vibstream.model.backbone.FeatureExtractor;
import io.vibstream.model.backbone.FeatureExtractors;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.schemas.ActionEvent;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream bench pipeline}: the backbone alone against the whole job on a local cluster
 * (embedded Kafka, heap state, exactly-once sink, 1 s checkpoints). Frames are preloaded into Kafka
 * (synthetic cameras rendered as fast as possible), then the job reads them from the start; its
 * throughput is measured between the first and the last event's emission time. The plumbing run
 * replaces the backbone by a precomputed feature vector (same id and dimension). The latency run
 * feeds realtime cameras at 80% of the measured rate.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "Backbone alone vs the full job: frames/s, plumbing frames/s, latency at 80%% load, state per camera.")
final class PipelineBenchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--backbone", paramLabel = "SPEC", description = "backbone (default: an untrained builtin CNN, 64x64)")
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

  @Option(names = "--clip", description = "LSTM clip length of the random model (default: ${DEFAULT-VALUE})")
  int clip = 16;

  @Option(names = "--latency-seconds", description = "length of the 80%-load latency run (default: ${DEFAULT-VALUE})")
  int latencySeconds = 15;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = Files.createTempDirectory("vibstream-bench-pipeline");
    try {
      String spec = backbone;
      if (spec == null) {
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
      long p50;
      long p99;
      double stateBytes;
      try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
        kafka.createTopic(KafkaWiring.MODELS, 1, true);
        kafka.createTopic(KafkaWiring.DEAD_LETTERS, 1, false);
        kafka.createTopic(KafkaWiring.MODEL_STATUS, 1, false);
        for (String t : List.of("frames-pre", "frames-live", "events-b", "events-c", "events-d")) {
          kafka.createTopic(t, Math.max(2, parallelism), false);
        }
        ModelsCommand.publish(kafka.bootstrapServers(), KafkaWiring.MODELS, vib, 1L);
        preload(kafka.bootstrapServers(), "frames-pre");
        out.printf(Locale.ROOT, "preloaded %d frames of %d cameras%n", (long) frames * cameras, cameras);
        out.flush();
        Run b = run(kafka, spec, null, "frames-pre", "events-b", null);
        pipelineFps = b.fps;
        stateBytes = b.stateBytesPerCamera;
        out.printf(Locale.ROOT, "(b) full job: %.0f frames/s sustained = %.2f x the backbone alone (%d events)%n",
            pipelineFps, pipelineFps / backboneFps, b.events.size());
        out.flush();
        Run c = run(kafka, spec, new PrecomputedFeatures(id, dimension), "frames-pre", "events-c", null);
        plumbingFps = c.fps;
        out.printf(Locale.ROOT, "(c) plumbing, precomputed features, heap state: %.0f frames/s (%d events); RocksDB "
            + "not measured%n", plumbingFps, c.events.size());
        out.flush();
        double fps = 0.8 * pipelineFps / cameras;
        Run d = run(kafka, spec, null, "frames-live", "events-d", Math.min(fps, 60));
        List<Long> latencies = d.events.stream().map(e -> e.getLatencyMs()).toList();
        p50 = DemoCommand.percentile(latencies, 50);
        p99 = DemoCommand.percentile(latencies, 99);
        out.printf(Locale.ROOT, "(d) %d realtime cameras at %.1f fps each (80%% of sustained): frame-to-event latency "
            + "p50 %d ms, p99 %d ms (%d events)%n", cameras, Math.min(fps, 60), p50, p99, d.events.size());
        out.printf(Locale.ROOT, "(e) keyed state ~%.0f bytes per camera (last checkpoint's state minus the broadcast "
            + "model, per camera)%n", stateBytes);
      }
      out.printf(Locale.ROOT, "backbone_fps=%.0f pipeline_fps=%.0f ratio=%.2f plumbing_fps=%.0f p50_ms=%d p99_ms=%d "
          + "state_bytes_per_camera=%.0f%n", backboneFps, pipelineFps, pipelineFps / backboneFps, plumbingFps, p50, p99,
          stateBytes);
      out.flush();
      return 0;
    } finally {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private record Run(List<ActionEvent> events, double fps, double stateBytesPerCamera) {}

  /** Runs the job on {@code framesTopic}; with {@code liveFps} the cameras publish in real time meanwhile. */
  private Run run(EmbeddedKafka kafka, String spec, BackboneFactory factory, String framesTopic, String eventsTopic,
      Double liveFps) throws Exception {
    try (LocalFlink flink = LocalFlink.start(parallelism)) {
      StreamExecutionEnvironment env = flink.environment();
      env.enableCheckpointing(1000, CheckpointingMode.EXACTLY_ONCE);
      ActionRecognitionJob.Config config = JobCommand.config(spec, parallelism, maxBatch, maxBatchWaitMs, 0)
          .withWatermarks(Duration.ofMillis(200), Duration.ofSeconds(1));
      String group = "bench-" + UUID.randomUUID();
      ActionRecognitionJob job = KafkaWiring.of(kafka.bootstrapServers())
          .withTopics(framesTopic, KafkaWiring.MODELS, eventsTopic, KafkaWiring.DEAD_LETTERS).withIds(group, group)
          .job(config);
      if (factory != null) {
        job.backbone(factory);
      }
      job.build(env);
      JobID id = flink.submit(env, "bench");
      long expectedPerCamera = (frames - clip) / Math.max(1, clip / 4) + 1;
      ExecutorService pool = null;
      List<Future<?>> live = new ArrayList<>();
      long deadline;
      if (liveFps != null) {
        pool = Executors.newFixedThreadPool(cameras);
        for (int i = 0; i < cameras; i++) {
          String name = "live" + i;
          String url = "synth://" + name + "?seed=" + (i + 1) + "&fps=" + liveFps + "&size=" + size + "&realtime=true";
          live.add(pool.submit(() -> {
            try (CameraPublisher p = CameraPublisher.create(kafka.bootstrapServers(), framesTopic, name);
                SyntheticCamera camera = SyntheticCamera.open(url)) {
              return p.run(camera, (long) (liveFps * latencySeconds));
            }
          }));
        }
        deadline = System.nanoTime() + Duration.ofSeconds(latencySeconds + 30).toNanos();
      } else {
        deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
      }
      List<ActionEvent> events = new ArrayList<>();
      double state = 0;
      try (KafkaConsumer<String, ActionEvent> consumer = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
          ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
          new AvroDeserializer<>(ActionEvent.class))) {
        consumer.subscribe(List.of(eventsTopic));
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
          if (liveFps == null && (events.size() >= expectedPerCamera * cameras || (!events.isEmpty()
              && System.nanoTime() - quietSince > Duration.ofSeconds(5).toNanos()))) {
            break; // all windows, or the last frames held back by the watermark (no frames after them)
          }
          if (liveFps != null && liveDone && !events.isEmpty()
              && System.nanoTime() - quietSince > Duration.ofSeconds(4).toNanos()) {
            break;
          }
        }
        state = stateBytesPerCamera(flink, id);
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
        long emitted = e.getWindowEnd().toEpochMilli() + e.getLatencyMs();
        first = Math.min(first, emitted);
        last = Math.max(last, emitted);
      }
      // frames processed between the first and the last event: each later event moved its camera one stride on
      long between = (long) Math.max(0, events.size() - cameras) * Math.max(1, clip / 4);
      double fps = events.size() < 2 || last <= first ? 0 : between / ((last - first) / 1000.0);
      return new Run(events, fps, state);
    }
  }

  /** The last completed checkpoint's state size minus the broadcast model (one copy per subtask), per camera. */
  private double stateBytesPerCamera(LocalFlink flink, JobID job) {
    try {
      URI rest = flink.restAddress();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(rest.resolve("/jobs/" + job + "/checkpoints"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode latest = new ObjectMapper().readTree(r.body()).path("latest").path("completed");
      long total = latest.path("state_size").asLong(0);
      long modelCopies = (long) parallelism * randomModel("x", 1, clip).length; // rough: model bytes in broadcast state
      return Math.max(0, total - modelCopies) / (double) cameras;
    } catch (Exception e) {
      return -1;
    }
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

  /** The backbone replaced by one precomputed feature vector (same id and dimension): plumbing only. */
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
