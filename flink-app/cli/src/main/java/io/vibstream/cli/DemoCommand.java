package io.vibstream.cli;

import io.vibstream.connectors.kafka.Topic;
import io.vibstream.local.ModelRegistry;
import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.synth.SyntheticCamera;
import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.connectors.video.VideoSource;
import io.vibstream.flink.job.ActionRecognitionJob;
import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.local.LocalFlink;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.backbone.FeatureExtractor;
import io.vibstream.model.backbone.FeatureExtractors;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.ModelRelease;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream demo}: everything in one process. An embedded Kafka broker, the action
 * recognition job on a local Flink cluster (parallelism 2, exactly-once events every checkpoint),
 * N scripted synthetic cameras each published by its own {@link CameraPublisher} thread, the model
 * published through the {@code models} topic (signed by a throwaway key that only this job
 * trusts, so the signed path runs end to end); a live table of the committed events and, at the
 * end, one line {@code accuracy=PCT events=N frames=N p50_ms=N p99_ms=N}.
 *
 * <p>Accuracy counts only events whose window [first, last] sequence numbers lies entirely within
 * one scripted action (labels recorded per camera from the frames the publishers send). Latency is
 * the event's own {@code latencyMs} (emission minus capture of the window's last frame); the time
 * until the event became visible to a read_committed consumer (checkpoint-bound) is printed too.
 *
 * <p>Without {@code --model}/{@code --backbone} it uses the demo model shipped in
 * {@code models/demo/} of the installation ({@code vibstream.home}, set by the launcher), which the
 * project's own commands built (its README lists them); with {@code --cache DIR}, or without a
 * shipped model, a model is trained once and cached (synth -> train-backbone -> extract ->
 * train --vib, through the same commands the CLI offers).
 *
 * <p>{@code --video FILE} runs a real video instead ({@link DemoVideo}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run everything locally (Kafka, Flink job, scripted synthetic cameras), show live events and "
        + "print accuracy=PCT events=N frames=N p50_ms=N p99_ms=N; with --video FILE, a real video through the "
        + "pose-mode job instead, printing tracks=N events=N labels=LABEL:COUNT,...")
final class DemoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DemoVideo videoMode;

  @Option(names = "--cameras", description = "synthetic cameras (default: ${DEFAULT-VALUE})")
  int cameras = 2;

  @Option(names = "--duration", description = "how long the cameras run, e.g. 60s, 2m, 500ms (default: ${DEFAULT-VALUE})")
  String duration = "60s";

  @Option(names = "--model", paramLabel = "FILE.vib", description = "model to publish (default: the shipped demo "
      + "model in models/demo/, or with --cache the cached one; with --video, models/people/model.vib)")
  Path model;

  @Option(names = "--backbone", paramLabel = "SPEC", description = "backbone of --model, e.g. builtin:FILE")
  String backbone;

  @Option(names = "--cache", paramLabel = "DIR", description = "train the demo model (once) and cache it here "
      + "instead of using the shipped one (default without a shipped model: ~/.cache/vibstream/demo)")
  Path cache;

  @Option(names = "--size", paramLabel = "WxH", description = "camera frame size, the size the model's data set was "
      + "rendered at (default: ${DEFAULT-VALUE})")
  String size = "112x112";

  @Option(names = "--fps", description = "camera frame rate, that of the training clips (default: ${DEFAULT-VALUE})")
  double fps = 25;

  @Option(names = "--parallelism", description = "job parallelism (default: ${DEFAULT-VALUE})")
  int parallelism = 2;

  @Option(names = "--max-batch", description = "frames per backbone call (default: ${DEFAULT-VALUE})")
  int maxBatch = 16;

  @Option(names = "--max-batch-wait-ms", description = "longest a frame waits for its batch (default: ${DEFAULT-VALUE})")
  long maxBatchWaitMs = 20;

  @Option(names = "--stride", description = "frames between events per camera, 0 = clip length / 4 (default: ${DEFAULT-VALUE})")
  int stride = 0;

  @Option(names = "--checkpoint-interval-ms", description = "checkpoints; events are committed at each "
      + "(default: ${DEFAULT-VALUE})")
  long checkpointIntervalMs = 1000;

  @Option(names = "--refresh-ms", description = "live table refresh (default: ${DEFAULT-VALUE}); 0 = no table")
  long refreshMs = 2000;

  @Option(names = "--seed", description = "seed of the camera scripts (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--min-action-s", description = "shortest scripted action in seconds (default: ${DEFAULT-VALUE})")
  int minActionSeconds = 3;

  @Option(names = "--max-action-s", description = "longest scripted action in seconds (default: ${DEFAULT-VALUE})")
  int maxActionSeconds = 5;

  // The cached model's recipe: change these (and the cache directory) to retrain.
  @Option(names = "--train-classes", description = "demo model: actions (default: ${DEFAULT-VALUE})")
  int trainClasses = 10;

  @Option(names = "--train-clips-per-class", description = "demo model: LSTM training clips per action "
      + "(default: ${DEFAULT-VALUE})")
  int trainClipsPerClass = 100;

  @Option(names = "--backbone-clips-per-class", description = "demo model: backbone training clips per action, each "
      + "in its own scene (default: ${DEFAULT-VALUE})")
  int backboneClipsPerClass = 60;

  @Option(names = "--train-frames", description = "demo model: frames per clip = the LSTM's clip length "
      + "(default: ${DEFAULT-VALUE})")
  int trainFrames = 32;

  @Option(names = "--backbone-epochs", description = "demo model: CNN epochs (default: ${DEFAULT-VALUE})")
  int backboneEpochs = 8;

  @Option(names = "--lstm-hidden", description = "demo model: LSTM hidden size before compression (default: ${DEFAULT-VALUE})")
  int lstmHidden = 64;

  @Option(names = "--lstm-epochs", description = "demo model: LSTM epochs (default: ${DEFAULT-VALUE})")
  int lstmEpochs = 30;

  @Option(names = "--backbone-train-args", paramLabel = "ARGS", description = "demo model: extra train-backbone "
      + "options, space-separated, e.g. \"--no-poses --lr 1e-3\" (default: none)")
  String backboneTrainArgs = "";

  @Option(names = "--lstm-train-args", paramLabel = "ARGS", description = "demo model: extra train options, "
      + "space-separated, e.g. \"--beta 1e-3 --lr 3e-3\" (default: none)")
  String lstmTrainArgs = "";

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration runFor = parseDuration(duration);
    if (videoMode.requested()) {
      return videoMode.run(spec, runFor, model, parallelism, checkpointIntervalMs, refreshMs);
    }
    if (cameras < 1 || parallelism < 1) {
      throw new IllegalArgumentException("--cameras and --parallelism must be >= 1");
    }
    if ((model == null) != (backbone == null)) {
      throw new IllegalArgumentException("give both --model and --backbone, or neither (the cached demo model)");
    }
    Path modelFile = model;
    String backboneSpec = backbone;
    Path shipped = System.getProperty("vibstream.home") == null ? null
        : Path.of(System.getProperty("vibstream.home"), "models", "demo");
    if (modelFile == null && cache == null && shipped != null && Files.isRegularFile(shipped.resolve("model.vib"))
        && Files.isRegularFile(shipped.resolve("backbone.cnn"))) {
      modelFile = shipped.resolve("model.vib");
      backboneSpec = "builtin:" + shipped.resolve("backbone.cnn");
      out.printf("using the shipped demo model %s (%s lists the commands that built it; --cache DIR trains one)%n",
          modelFile, shipped.resolve("README.md"));
    } else if (modelFile == null) {
      Path dir = cache != null ? cache : Path.of(System.getProperty("user.home"), ".cache", "vibstream", "demo");
      modelFile = ensureModel(dir, out, err);
      backboneSpec = "builtin:" + dir.resolve("backbone.bin");
    }
    ModelArtifact artifact = ModelArtifacts.read(modelFile);
    List<String> labels = artifact.manifest().labels();
    int clipLength = artifact.manifest().clipLength();
    try (FeatureExtractor extractor = FeatureExtractors.open(backboneSpec)) {
      out.printf(Locale.ROOT, "model %s: version %d, %d actions, clip %d frames, LSTM %d -> %d hidden; backbone %s "
          + "(input %dx%d, dimension %d); cameras %s at %.0f fps%n", modelFile, artifact.manifest().version(),
          labels.size(), clipLength, artifact.manifest().originalHiddenSize(), artifact.manifest().hiddenSize(),
          extractor.id(), extractor.inputWidth(), extractor.inputHeight(), extractor.dimension(), size, fps);
    }
    out.flush();

    List<CameraRun> runs = new ArrayList<>();
    Random scripts = new Random(seed);
    for (int i = 0; i < cameras; i++) {
      runs.add(new CameraRun("cam" + i, seed * 1000 + i + 1, script(labels, scripts)));
    }
    List<Received> events = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(cameras, r -> {
      Thread t = new Thread(r, "demo-camera");
      t.setDaemon(true);
      return t;
    });
    long started = System.nanoTime();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topic.FRAMES.topicName(), Math.max(2, parallelism), false);
      kafka.createTopic(Topic.MODELS.topicName(), 1, true);
      kafka.createTopic(Topic.EVENTS.topicName(), 1, false);
      kafka.createTopic(Topic.FRAMES_DEAD_LETTER.topicName(), 1, false);
      kafka.createTopic(Topic.MODEL_STATUS.topicName(), 1, false);
      out.printf(Locale.ROOT, "kafka on %s (%.1f s)%n", kafka.bootstrapServers(), (System.nanoTime() - started) / 1e9);
      out.flush();
      try (LocalFlink flink = LocalFlink.start(parallelism)) {
        StreamExecutionEnvironment env = flink.environment();
        env.enableCheckpointing(checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
        ActionRecognitionJob.Config config = JobCommand.config(backboneSpec, parallelism, maxBatch, maxBatchWaitMs,
            stride).withWatermarks(Duration.ofMillis(200), Duration.ofSeconds(1));
        String id = "demo-" + UUID.randomUUID();
        ReleaseSigner signer = ReleaseSigner.generate(); // a throwaway key: the model is signed, the job trusts it
        KafkaWiring.of(kafka.bootstrapServers()).withIds(id, id).job(config).trustedKeys(signer.trustedKeys())
            .build(env);
        JobID job = flink.submit(env, "vibstream demo");
        try {
          ModelRelease release = ModelRegistry.publish(kafka.bootstrapServers(), Topic.MODELS.topicName(), modelFile,
              null, signer);
          out.printf(Locale.ROOT, "job %s submitted (parallelism %d, checkpoints every %d ms); model version %d "
              + "published to '%s', signed by a throwaway key that only this job trusts%n", job, parallelism,
              checkpointIntervalMs, release.getVersion(), Topic.MODELS.topicName());
          for (CameraRun run : runs) {
            out.printf("%s: synth://%s script %s%n", run.name, run.name, run.script);
          }
          out.flush();
          List<Future<CameraPublisher.Stats>> futures = new ArrayList<>();
          for (CameraRun run : runs) {
            futures.add(pool.submit(() -> run.publish(kafka.bootstrapServers(), size, fps)));
          }
          try (KafkaConsumer<String, ActionEvent> consumer = committedReader(kafka.bootstrapServers())) {
            consumer.subscribe(List.of(Topic.EVENTS.topicName()));
            long end = System.nanoTime() + runFor.toNanos();
            long nextTable = System.nanoTime() + refreshMs * 1_000_000;
            while (System.nanoTime() < end) {
              poll(consumer, events);
              checkCameras(futures, runs);
              if (refreshMs > 0 && System.nanoTime() >= nextTable) {
                printTable(out, runs, events, flink.status(job).toString(), started);
                nextTable = System.nanoTime() + refreshMs * 1_000_000;
              }
            }
            for (CameraRun run : runs) {
              run.stop();
            }
            for (Future<CameraPublisher.Stats> f : futures) {
              f.get(30, TimeUnit.SECONDS);
            }
            // the last windows: processed, then committed at the next checkpoints
            long drain = System.nanoTime() + Duration.ofMillis(3 * checkpointIntervalMs + 2000).toNanos();
            while (System.nanoTime() < drain) {
              poll(consumer, events);
            }
          }
          if (refreshMs > 0) {
            printTable(out, runs, events, flink.status(job).toString(), started);
          }
        } finally {
          for (CameraRun run : runs) {
            run.stop();
          }
          flink.cancel(job, Duration.ofSeconds(30));
        }
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
    Summary s = summarise(runs, events);
    out.printf(Locale.ROOT, "scored %d of %d events (windows inside one scripted action); committed-visible latency "
        + "p50 %d ms, p99 %d ms (bound by the %d ms checkpoints)%n", s.scored, events.size(), s.visibleP50,
        s.visibleP99, checkpointIntervalMs);
    StringBuilder recall = new StringBuilder();
    s.recallByAction().forEach((action, n) -> recall.append(String.format(Locale.ROOT, " %s %.0f%% (%d)", action,
        100.0 * n[1] / n[0], n[0])));
    out.printf(Locale.ROOT, "recognised per action (scored windows):%s%n", recall);
    out.printf(Locale.ROOT, "events per model version: %s%n", s.eventsByModelVersion());
    out.printf(Locale.ROOT, "accuracy=%.1f events=%d frames=%d p50_ms=%d p99_ms=%d%n", s.accuracy, events.size(),
        s.frames, s.p50, s.p99);
    out.flush();
    return 0;
  }

  /** One event and when the demo saw it. */
  record Received(ActionEvent event, long receivedAtMs) {}

  /**
   * What the demo saw: accuracy over the scored windows, latencies, events per model version and,
   * per scripted action, scored windows and how many of them were recognised.
   */
  record Summary(double accuracy, int scored, long frames, long p50, long p99, long visibleP50, long visibleP99,
      Map<Long, Integer> eventsByModelVersion, Map<String, int[]> recallByAction) {}

  static Summary summarise(List<CameraRun> runs, List<Received> events) {
    Map<String, CameraRun> byName = new TreeMap<>();
    runs.forEach(r -> byName.put(r.name, r));
    int scored = 0;
    int correct = 0;
    List<Long> latency = new ArrayList<>();
    List<Long> visible = new ArrayList<>();
    Map<Long, Integer> versions = new TreeMap<>();
    Map<String, int[]> recall = new TreeMap<>();
    for (Received r : events) {
      ActionEvent e = r.event();
      versions.merge(e.getModelVersion(), 1, Integer::sum);
      latency.add(e.getLatencyMs());
      visible.add(r.receivedAtMs() - e.getWindowEnd().toEpochMilli());
      CameraRun run = byName.get(e.getCameraId());
      String truth = run == null ? null : run.truthOf(e.getFirstSequenceNumber(), e.getLastSequenceNumber());
      if (truth != null) {
        scored++;
        int[] action = recall.computeIfAbsent(truth, t -> new int[2]);
        action[0]++;
        if (truth.equals(e.getLabel())) {
          correct++;
          action[1]++;
        }
      }
    }
    long frames = runs.stream().mapToLong(CameraRun::published).sum();
    return new Summary(scored == 0 ? 0 : 100.0 * correct / scored, scored, frames, percentile(latency, 50),
        percentile(latency, 99), percentile(visible, 50), percentile(visible, 99), versions, recall);
  }

  static long percentile(List<Long> values, double p) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static void poll(KafkaConsumer<String, ActionEvent> consumer, List<Received> events) {
    for (ConsumerRecord<String, ActionEvent> r : consumer.poll(Duration.ofMillis(200))) {
      events.add(new Received(r.value(), System.currentTimeMillis()));
    }
  }

  private static void checkCameras(List<Future<CameraPublisher.Stats>> futures, List<CameraRun> runs)
      throws Exception {
    for (int i = 0; i < futures.size(); i++) {
      if (futures.get(i).isDone()) {
        futures.get(i).get(); // a camera that failed fails the demo
      }
    }
  }

  private void printTable(PrintWriter out, List<CameraRun> runs, List<Received> events, String jobStatus,
      long started) {
    Map<String, ActionEvent> latest = new TreeMap<>();
    Map<String, Integer> counts = new TreeMap<>();
    for (Received r : events) {
      latest.put(r.event().getCameraId(), r.event());
      counts.merge(r.event().getCameraId(), 1, Integer::sum);
    }
    Summary s = summarise(runs, events);
    out.printf(Locale.ROOT, "--- %5.1f s  job %s  events %d  frames %d  accuracy so far %.1f%% (%d scored)%n",
        (System.nanoTime() - started) / 1e9, jobStatus, events.size(), s.frames, s.accuracy, s.scored);
    out.printf(Locale.ROOT, "%-8s %-14s %10s %-14s %10s %7s %7s%n", "camera", "action", "confidence", "ground truth",
        "latency_ms", "model", "events");
    for (CameraRun run : runs) {
      ActionEvent e = latest.get(run.name);
      if (e == null) {
        out.printf(Locale.ROOT, "%-8s %-14s %10s %-14s %10s %7s %7d%n", run.name, "-", "-", run.currentLabel(), "-",
            "-", 0);
      } else {
        String truth = run.truthOf(e.getFirstSequenceNumber(), e.getLastSequenceNumber());
        out.printf(Locale.ROOT, "%-8s %-14s %10.2f %-14s %10d %7d %7d%n", run.name, e.getLabel(), e.getConfidence(),
            truth == null ? "(" + run.labelAt(e.getLastSequenceNumber()) + ")" : truth, e.getLatencyMs(),
            e.getModelVersion(), counts.getOrDefault(run.name, 0));
      }
    }
    out.flush();
  }

  private static KafkaConsumer<String, ActionEvent> committedReader(String bootstrap) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "demo-reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
        new AvroDeserializer<>(ActionEvent.class));
  }

  /** Every label of the model once, shuffled, {@code min..max} s each (the camera loops over it). */
  private String script(List<String> labels, Random random) {
    List<String> order = new ArrayList<>(labels);
    Collections.shuffle(order, random);
    List<String> parts = new ArrayList<>();
    for (String label : order) {
      int s = minActionSeconds + random.nextInt(Math.max(1, maxActionSeconds - minActionSeconds + 1));
      parts.add(label + ":" + s);
    }
    return String.join(",", parts);
  }

  /** One camera: its script, the ground truth of every frame it published (index = sequence number). */
  static final class CameraRun {
    final String name;
    final long seed;
    final String script;
    private final List<String> truth = Collections.synchronizedList(new ArrayList<>());
    private volatile CameraPublisher publisher;
    private volatile boolean stopped;
    volatile CameraPublisher.Stats stats;

    CameraRun(String name, long seed, String script) {
      this.name = name;
      this.seed = seed;
      this.script = script;
    }

    CameraPublisher.Stats publish(String bootstrap, String size, double fps) throws IOException {
      String url = "synth://" + name + "?seed=" + seed + "&fps=" + fps + "&size=" + size + "&script=" + script
          + "&realtime=true&loop=true";
      try (CameraPublisher p = CameraPublisher.create(bootstrap, Topic.FRAMES.topicName(), name);
          SyntheticCamera camera = SyntheticCamera.open(url)) {
        publisher = p;
        if (stopped) {
          return stats = p.stats();
        }
        // the publisher numbers every frame next() returns, from 0: record its label at that index
        VideoSource recording = new VideoSource() {
          @Override
          public VideoFrame next() throws IOException {
            VideoFrame f = camera.next();
            if (f != null) {
              truth.add(f.groundTruth());
            }
            return f;
          }

          @Override
          public double frameRate() {
            return camera.frameRate();
          }

          @Override
          public void close() {}
        };
        stats = p.run(recording, 0);
        return stats;
      }
    }

    /** Frames published so far (acknowledged by Kafka). */
    long published() {
      CameraPublisher.Stats s = stats;
      if (s != null) {
        return s.published();
      }
      CameraPublisher p = publisher;
      return p == null ? 0 : p.published();
    }

    void stop() {
      stopped = true;
      CameraPublisher p = publisher;
      if (p != null) {
        p.stop();
      }
    }

    /** The label of frames first..last if they all share one, else null. */
    String truthOf(long first, long last) {
      synchronized (truth) {
        if (first < 0 || last >= truth.size() || first > last) {
          return null;
        }
        String label = truth.get((int) first);
        for (long i = first + 1; i <= last; i++) {
          if (!java.util.Objects.equals(label, truth.get((int) i))) {
            return null;
          }
        }
        return label;
      }
    }

    String labelAt(long seq) {
      synchronized (truth) {
        return seq >= 0 && seq < truth.size() ? truth.get((int) seq) : "?";
      }
    }

    String currentLabel() {
      synchronized (truth) {
        return truth.isEmpty() ? "-" : truth.get(truth.size() - 1);
      }
    }
  }

  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      } else if (t.endsWith("m")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--duration must look like 60s, 2m or 500ms, got '" + text + "'");
    }
  }

  /** The cached demo model, trained on first use; returns the .vib file. */
  private Path ensureModel(Path dir, PrintWriter out, PrintWriter err) throws Exception {
    Path vib = dir.resolve("model.vib");
    Path cnn = dir.resolve("backbone.bin");
    if (Files.isRegularFile(vib) && Files.isRegularFile(cnn)) {
      out.printf("using the cached demo model %s (delete %s to retrain)%n", vib, dir);
      return vib;
    }
    Files.createDirectories(dir);
    // The backbone learns poses from clips in many scenes (seed 101); the LSTM learns actions from
    // pose features of other clips and scenes (seed 7), which the cameras never show either.
    List<String[]> steps = List.of(
        new String[] {"synth", "--out", dir.resolve("backbone-clips").toString(), "--classes", "" + trainClasses,
            "--clips-per-class", "" + backboneClipsPerClass, "--groups", "" + Math.min(99, backboneClipsPerClass),
            "--seed", "101", "--size", size, "--frames", "" + trainFrames, "--fps", "" + fps},
        new String[] {"train-backbone", "--dataset", dir.resolve("backbone-clips").toString(), "--out", cnn.toString(),
            "--epochs", "" + backboneEpochs},
        new String[] {"synth", "--out", dir.resolve("synth").toString(), "--classes", "" + trainClasses,
            "--clips-per-class", "" + trainClipsPerClass, "--seed", "7", "--size", size, "--frames", "" + trainFrames,
            "--fps", "" + fps, "--performance", performance()},
        new String[] {"extract", "--dataset", dir.resolve("synth").toString(), "--backbone", "builtin:" + cnn,
            "--out", dir.resolve("features").toString(), "--frames", "" + trainFrames},
        new String[] {"train", "--data", "features:" + dir.resolve("features") + ":" + trainFrames, "--hidden",
            "" + lstmHidden, "--epochs", "" + lstmEpochs, "--batch-size", "16", "--standardize", "--vib", "--out",
            vib.toString()});
    steps = new ArrayList<>(steps);
    steps.set(1, concat(steps.get(1), backboneTrainArgs));
    steps.set(4, concat(steps.get(4), lstmTrainArgs));
    out.println("no cached demo model in " + dir + ": training one (rebuild it by hand with):");
    for (String[] step : steps) {
      out.println("  ./vibstream " + String.join(" ", step));
    }
    out.flush();
    for (String[] step : steps) {
      if (step[0].equals("synth") && Files.isDirectory(Path.of(step[2]))) {
        deleteRecursively(Path.of(step[2]));
      }
      if (step[0].equals("extract") && Files.isDirectory(dir.resolve("features"))) {
        deleteRecursively(dir.resolve("features"));
      }
      out.println("==> ./vibstream " + String.join(" ", step));
      out.flush();
      CommandLine cli = Vibstream.commandLine();
      cli.setOut(out);
      cli.setErr(err);
      int code = cli.execute(step);
      if (code != 0) {
        throw new IllegalStateException("demo model: '" + step[0] + "' failed (exit " + code + ")");
      }
    }
    return vib;
  }

  /** The LSTM's clips are windows into performances as long as the cameras' scripted actions. */
  private String performance() {
    double clip = trainFrames / fps;
    return Math.max(minActionSeconds, clip) + ":" + Math.max(maxActionSeconds, clip);
  }

  private static String[] concat(String[] step, String extra) {
    List<String> all = new ArrayList<>(List.of(step));
    for (String a : extra.trim().split("\\s+")) {
      if (!a.isEmpty()) {
        all.add(a);
      }
    }
    return all.toArray(String[]::new);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
