package io.vibstream.cli;

import io.vibstream.connectors.kafka.Topic;
import io.vibstream.local.bench.BenchEvents;
import io.vibstream.local.bench.RecordedFrames;
import io.vibstream.local.bench.ReplaySource;
import io.vibstream.local.ModelRegistry;
import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.camera.ImageEncoder;
import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.synth.SyntheticCamera;
import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.connectors.video.VideoSource;
import io.vibstream.flink.job.ActionRecognitionJob;
import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.local.LocalFlink;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.ReleaseStatus;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream soak}: the embedded pipeline (Kafka, the job at parallelism 2 with exactly-once
 * events, realtime cameras) for a long time, sampling this process's memory, the events per second
 * and the job's lag into a CSV and a plot ({@link SoakReport}), then checking that nothing was lost.
 * Synthetic cameras run the demo model; {@code --video} replays a real scene through the pose stage.
 * The cameras block rather than drop, so every published frame has its sequence number and the
 * synthetic run's events must be exactly the windows of those frames ({@link StrideCheck}).
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
    description = "Run the embedded pipeline for a long time, sample memory, events/s and lag into soak.csv and "
        + "soak.png, and check that no event was lost; the last line is rss_start_mb=X rss_end_mb=X ... lost=N")
final class SoakCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--cameras", description = "cameras (default: ${DEFAULT-VALUE})")
  int cameras = 16;

  @Option(names = "--duration", converter = DurationConverter.class, description = "how long the cameras run "
      + "(default: ${DEFAULT-VALUE})")
  Duration duration = Duration.ofMinutes(10);

  @Option(names = "--warm-up", converter = DurationConverter.class, description = "samples before this are not "
      + "judged (default: ${DEFAULT-VALUE})")
  Duration warmUp = Duration.ofMinutes(2);

  @Option(names = "--sample-every", converter = DurationConverter.class, description = "(default: ${DEFAULT-VALUE})")
  Duration sampleEvery = Duration.ofSeconds(5);

  @Option(names = "--fps", description = "frames per second of each camera (default: ${DEFAULT-VALUE})")
  double fps = 5;

  @Option(names = "--size", paramLabel = "WxH", description = "synthetic camera frame size (default: ${DEFAULT-VALUE})")
  String size = "112x112";

  @Option(names = "--model", paramLabel = "FILE.vib", description = "model (default: models/demo/model.vib, with "
      + "--video models/people/model.vib)")
  Path model;

  @Option(names = "--backbone", paramLabel = "SPEC", description = "backbone of a synthetic --model (default: "
      + "builtin:models/demo/backbone.cnn)")
  String backbone;

  @Option(names = "--video", paramLabel = "FILE", description = "replay this real scene through the pose stage "
      + "instead of synthetic cameras (e.g. .media/vtest.avi)")
  Path video;

  @Option(names = "--scene-frames", description = "with --video: frames of the scene replayed in a loop "
      + "(default: ${DEFAULT-VALUE})")
  int sceneFrames = 150;

  @Option(names = "--pose", description = "with --video: lite or full (default: ${DEFAULT-VALUE})")
  Pose pose = Pose.lite;

  @Option(names = "--parallelism", description = "(default: ${DEFAULT-VALUE})")
  int parallelism = 2;

  @Option(names = "--checkpoint-interval-ms", description = "(default: ${DEFAULT-VALUE})")
  long checkpointIntervalMs = 1000;

  @Option(names = "--out", description = "soak.csv and soak.png go here (default: ${DEFAULT-VALUE})")
  Path outDir = Path.of("runs", "soak");

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (cameras < 1 || parallelism < 1 || fps <= 0 || duration.isZero() || sampleEvery.toMillis() < 100) {
      throw new IllegalArgumentException("--cameras, --parallelism, --fps and --duration must be > 0 and "
          + "--sample-every at least 100ms");
    }
    Path home = PeopleInputs.installation();
    Path modelFile = video != null ? PeopleInputs.model(model)
        : model != null ? model : home.resolve("models/demo/model.vib");
    String backboneSpec = backbone != null ? backbone : "builtin:" + home.resolve("models/demo/backbone.cnn");
    if (video != null && !Files.isRegularFile(video)) {
      throw new IllegalArgumentException(video + " not found");
    }
    if (!Files.isRegularFile(modelFile)) {
      throw new IllegalArgumentException(modelFile + " not found");
    }
    var manifest = ModelArtifacts.read(modelFile).manifest();
    int stride = Math.max(1, manifest.clipLength() / 4);
    ActionRecognitionJob.Config config = (video != null ? PoseMode.config(pose, parallelism)
        : JobCommand.config(backboneSpec, parallelism, 16, 20, stride))
        .withStride(stride)
        // a soak checks for loss, so a camera's window never resets for a slow frame
        .withGapLimits(2, Duration.ofMinutes(1));
    List<VideoFrame> scene = video == null ? List.of() : RecordedFrames.read(video, sceneFrames);
    Files.createDirectories(outDir);
    List<SoakReport.Row> rows = new ArrayList<>();
    List<ActionEvent> events = new ArrayList<>();
    Map<String, CameraPublisher> publishers = new TreeMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(cameras, r -> {
      Thread t = new Thread(r, "soak-camera");
      t.setDaemon(true);
      return t;
    });
    long deadLetters;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(); LocalFlink flink = LocalFlink.start(parallelism);
        var admin = kafka.admin()) {
      kafka.createTopic(Topic.FRAMES.topicName(), Math.max(2, parallelism), false);
      kafka.createTopic(Topic.MODELS.topicName(), 1, true);
      kafka.createTopic(Topic.EVENTS.topicName(), 1, false);
      kafka.createTopic(Topic.FRAMES_DEAD_LETTER.topicName(), 1, false);
      kafka.createTopic(Topic.MODEL_STATUS.topicName(), 1, false);
      StreamExecutionEnvironment env = flink.environment();
      env.enableCheckpointing(checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
      String group = "soak-" + UUID.randomUUID();
      ReleaseSigner signer = ReleaseSigner.generate(); // a throwaway key: the model is signed, the job trusts it
      KafkaWiring.of(kafka.bootstrapServers()).withIds(group, group).job(config).trustedKeys(signer.trustedKeys())
          .build(env);
      JobID job = flink.submit(env, "vibstream soak");
      long version = ModelRegistry.publish(kafka.bootstrapServers(), Topic.MODELS.topicName(), modelFile, null, signer)
          .getVersion();
      // every camera's windows start at its first frame only if the model serves before the cameras start
      awaitServing(kafka.bootstrapServers(), version, parallelism);
      SoakLag lag = new SoakLag(admin, group, Topic.FRAMES.topicName());
      out.printf(Locale.ROOT, "soak: %d %s cameras at %.1f fps for %s, model %s (clip %d, stride %d), job %s%n",
          cameras, video == null ? "synthetic" : video.getFileName() + " replay", fps, duration, modelFile,
          manifest.clipLength(), stride, job);
      out.flush();
      List<Future<CameraPublisher.Stats>> running = new ArrayList<>();
      for (int c = 0; c < cameras; c++) {
        String id = "cam" + c;
        CameraPublisher p = blockingPublisher(kafka.bootstrapServers(), id);
        publishers.put(id, p);
        VideoSource source = video != null
            ? new ReplaySource(scene, fps, c * scene.size() / cameras, 0, fps)
            : SyntheticCamera.open("synth://" + id + "?seed=" + (c + 1) + "&fps=" + fps + "&size=" + size + "&script="
                + script(manifest.labels(), c) + "&realtime=true&loop=true");
        running.add(pool.submit(() -> {
          try (p; source) {
            return p.run(source, 0);
          }
        }));
      }
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      long nextSample = start;
      ProgressLine progress = new ProgressLine(System.err, "soak", "s");
      try (KafkaConsumer<String, ActionEvent> consumer = BenchEvents.committedReader(kafka.bootstrapServers(),
          Topic.EVENTS.topicName())) {
        while (System.nanoTime() < end) {
          poll(consumer, events);
          failFast(running, flink, job);
          if (System.nanoTime() >= nextSample) {
            double t = (System.nanoTime() - start) / 1e9;
            rows.add(new SoakReport.Row(t, ProcessMemory.sample(), events.size(), lag.frames()));
            SoakReport.Row last = rows.get(rows.size() - 1);
            progress.update(Math.min((long) t, duration.toSeconds()), duration.toSeconds(), String.format(Locale.ROOT,
                "events %d, lag %d frames, rss %d MB", events.size(), last.lagFrames(), last.memory().rssBytes() >> 20));
            nextSample += sampleEvery.toNanos();
          }
        }
        publishers.values().forEach(CameraPublisher::stop);
        for (Future<CameraPublisher.Stats> f : running) {
          f.get(2, TimeUnit.MINUTES);
        }
        progress.update(duration.toSeconds(), duration.toSeconds(), "cameras stopped");
        out.println("cameras stopped; draining until the job has committed every frame ...");
        out.flush();
        long drainLimit = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (lag.frames() != 0 && System.nanoTime() < drainLimit) {
          poll(consumer, events);
          failFast(List.of(), flink, job);
        }
        long quiet = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * checkpointIntervalMs + 2000);
        while (System.nanoTime() < quiet) {
          poll(consumer, events);
        }
      }
      deadLetters = new SoakLag(admin, group, Topic.FRAMES_DEAD_LETTER.topicName()).end();
      flink.cancel(job, Duration.ofSeconds(30));
    } finally {
      publishers.values().forEach(CameraPublisher::stop);
      pool.shutdownNow();
    }
    Map<String, Long> published = new TreeMap<>();
    long failed = 0;
    for (Map.Entry<String, CameraPublisher> e : publishers.entrySet()) {
      CameraPublisher.Stats s = e.getValue().stats();
      published.put(e.getKey(), s.published());
      failed += s.dropped() + s.failed();
    }
    String loss;
    boolean exact;
    if (video == null) {
      StrideCheck.Result check = StrideCheck.check(published, events, manifest.clipLength(), stride);
      loss = String.format(Locale.ROOT, "expected=%d lost=%d duplicates=%d unexpected=%d", check.expected(),
          check.lost(), check.duplicates(), check.unexpected());
      exact = check.exact();
    } else {
      // tracks start and end with the people, so only repeats can be told apart from the scene's own gaps
      Set<String> windows = new HashSet<>();
      long duplicates = events.stream().filter(e -> !windows.add(e.getCameraId() + "/" + e.getTrackId() + "/"
          + e.getLastSequenceNumber())).count();
      loss = String.format(Locale.ROOT, "duplicates=%d", duplicates);
      exact = duplicates == 0;
    }
    SoakReport report = new SoakReport(rows, warmUp.toSeconds());
    report.write(outDir.resolve("soak.csv"), outDir.resolve("soak.png"));
    long frames = published.values().stream().mapToLong(Long::longValue).sum();
    out.printf(Locale.ROOT, "frames published %d (dropped or failed %d), events %d, dead letters %d, %s%n", frames,
        failed, events.size(), deadLetters, loss);
    out.printf(Locale.ROOT, "wrote %s and %s%n", outDir.resolve("soak.csv"), outDir.resolve("soak.png"));
    out.println(report.summary() + " events=" + events.size() + " " + loss);
    out.flush();
    return exact && failed == 0 && deadLetters == 0 ? 0 : 1;
  }

  /** A publisher that waits for Kafka rather than dropping a frame, so sequence numbers have no gap. */
  static CameraPublisher blockingPublisher(String bootstrap, String camera) {
    Map<String, Object> config = CameraPublisher.producerConfig(bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
    KafkaProducer<String, Frame> producer = new KafkaProducer<>(config, new StringSerializer(), new AvroSerializer<>());
    return new CameraPublisher(producer, Topic.FRAMES.topicName(), camera, ImageEncoder.defaultJpeg(80))
        .logEvery(Duration.ofMinutes(1));
  }

  /** Waits (at most 2 minutes) until every subtask of the job accepted model {@code version}. */
  private static void awaitServing(String bootstrap, long version, int subtasks) {
    Set<Integer> accepted = new HashSet<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    try (KafkaConsumer<String, ModelStatus> statuses = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "soak-status-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
        new AvroDeserializer<>(ModelStatus.class))) {
      statuses.subscribe(List.of(Topic.MODEL_STATUS.topicName()));
      while (accepted.size() < subtasks) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the job did not serve model version " + version + " within 2 minutes");
        }
        for (ConsumerRecord<String, ModelStatus> r : statuses.poll(Duration.ofMillis(200))) {
          ModelStatus s = r.value();
          if (s.getVersion() == version && s.getStatus() == ReleaseStatus.REFUSED) {
            throw new IllegalStateException("the job refused model version " + version + ": " + s.getReason());
          }
          if (s.getVersion() == version) {
            accepted.add(s.getSubtask());
          }
        }
      }
    }
  }

  /** Every label of the model for 4 s, in an order that differs per camera. */
  private static String script(List<String> labels, int camera) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      parts.add(labels.get((i + camera) % labels.size()) + ":4");
    }
    return String.join(",", parts);
  }

  private static void poll(KafkaConsumer<String, ActionEvent> consumer, List<ActionEvent> events) {
    for (ConsumerRecord<String, ActionEvent> r : consumer.poll(Duration.ofMillis(200))) {
      events.add(r.value());
    }
  }

  private static void failFast(List<Future<CameraPublisher.Stats>> cameras, LocalFlink flink, JobID job)
      throws Exception {
    for (Future<CameraPublisher.Stats> f : cameras) {
      if (f.isDone()) {
        f.get(); // a camera that failed fails the soak
        throw new IllegalStateException("a camera stopped before the end of the soak");
      }
    }
    if (flink.status(job).isGloballyTerminalState()) {
      throw new IllegalStateException("the job ended during the soak: " + flink.status(job));
    }
  }
}
