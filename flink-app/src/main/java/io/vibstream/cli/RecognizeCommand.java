package io.vibstream.cli;

import io.vibstream.connectors.annotate.AnnotatedVideoWriter;
import io.vibstream.connectors.annotate.FrameAnnotator;
import io.vibstream.connectors.annotate.Montage;
import io.vibstream.connectors.annotate.PersonAnnotation;
import io.vibstream.connectors.camera.CameraOptions;
import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.camera.CameraSource;
import io.vibstream.connectors.camera.ImageEncoder;
import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.flink.functions.DecodeFunction;
import io.vibstream.flink.functions.PersonTracking;
import io.vibstream.flink.functions.PoseEstimatorFactory;
import io.vibstream.flink.job.ActionRecognitionJob;
import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.flink.job.LocalFlink;
import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.flink.records.TrackingCursor;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.model.pose.PersonTracker;
import io.vibstream.model.pose.PoseEstimator;
import io.vibstream.model.pose.PoseFrame;
import io.vibstream.model.pose.PoseModels;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.BoundingBox;
import io.vibstream.schemas.Frame;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream recognize}: action recognition of the people in a video file through the same
 * job the demo runs. An embedded Kafka broker, the action recognition job in pose mode on a local
 * Flink cluster (per person: pose estimator, tracker keyed by camera, recognizer keyed by camera
 * and track; exactly-once events at every checkpoint), the model published to {@code models}, the
 * file published as a camera to {@code frames} at its own frame rate. Each committed per-person
 * event is printed as it arrives; the last line is {@code tracks=N events=N labels=LABEL:COUNT,...}.
 *
 * <p>The run ends once the job's consumer group has committed the end of the file's frames (so
 * every event of them is committed too). {@code --out}/{@code --montage} then read the frames
 * back from the topic (the same JPEG bytes, sequence numbers and capture times the job saw) and
 * run the job's estimator and tracker over them in the same order: tracking is deterministic and two
 * estimator instances find the same people (joints equal up to float rounding), so the skeletons
 * and track ids drawn are those the job scored (each event's box is checked against this pass's,
 * to 0.01 px), and each event's label is drawn on its track over the event's frames (first..last
 * sequence number).
 */
@Command(name = "recognize", mixinStandardHelpOptions = true,
    description = {"Recognize the actions of the people in a video file: embedded Kafka, the action recognition "
        + "job in pose mode on a local Flink cluster, the file published as a camera; prints each person's events "
        + "as they are committed and a last line tracks=N events=N labels=LABEL:COUNT,...",
        "The file is published at its own frame rate (the tracker and the motion features read capture times), so "
        + "a run lasts at least the video's length.",
        "--out/--montage draw the people by running the job's pose estimator and tracker again over the frames "
        + "the job read: the same frames in the same order give the same people and track ids as in the job "
        + "(tracking is deterministic; two estimator instances find the same people, joints equal up to float "
        + "rounding), and the run checks each event's box against this pass's. Each event's label and confidence "
        + "is drawn on its track over the event's frames (first..last); an unsure label is grey with a '?'."})
public final class RecognizeCommand implements Callable<Integer> {
  /** Landmark model variants of {@code --pose}. */
  enum Pose {
    lite(PoseModels.Landmark.LITE),
    full(PoseModels.Landmark.FULL);

    final PoseModels.Landmark landmark;

    Pose(PoseModels.Landmark landmark) {
      this.landmark = landmark;
    }
  }

  @Spec
  CommandSpec spec;

  @Option(names = "--video", required = true, paramLabel = "FILE", description = "the video file")
  Path video;

  @Option(names = "--out", paramLabel = "FILE.mp4", description = "write the annotated video here (H.264; .mp4, "
      + ".mov, .mkv or .avi; the input's size and frame rate)")
  Path out;

  @Option(names = "--montage", paramLabel = "FILE.png", description = "write a grid of annotated frames sampled "
      + "evenly, with frame numbers")
  Path montage;

  @Option(names = "--montage-frames", description = "frames in the montage (default: ${DEFAULT-VALUE})")
  int montageFrames = 12;

  @Option(names = "--montage-width", description = "montage tile width in pixels (default: ${DEFAULT-VALUE})")
  int montageWidth = 384;

  @Option(names = "--model", paramLabel = "FILE.vib", description = "the action model (default: models/people/"
      + "model.vib of the installation)")
  Path model;

  @Option(names = "--pose", description = "BlazePose landmark model: ${COMPLETION-CANDIDATES} (default: "
      + "${DEFAULT-VALUE})")
  Pose pose = Pose.lite;

  @Option(names = "--max-frames", description = "publish only the first N frames (default: all)")
  long maxFrames;

  @Option(names = "--camera-id", description = "the camera id of the file's frames (default: the file name "
      + "without extension)")
  String cameraId;

  @Option(names = "--parallelism", description = "job parallelism (default: ${DEFAULT-VALUE})")
  int parallelism = 2;

  @Option(names = "--checkpoint-interval-ms", description = "checkpoints; events are committed at each "
      + "(default: ${DEFAULT-VALUE})")
  long checkpointIntervalMs = 1000;

  @Option(names = "--stall-timeout-s", description = "fail if the job reads no frame for this long "
      + "(default: ${DEFAULT-VALUE})")
  long stallTimeoutSeconds = 180;

  /** What the run produced. */
  record Result(List<ActionEvent> events, long framesPublished) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    validate();
    String camera = cameraId != null ? cameraId : defaultCameraId(video);
    Probe probe = probe(video);
    Path modelFile = resolveModel();
    ModelArtifact artifact;
    try {
      artifact = ModelArtifacts.read(modelFile);
    } catch (RuntimeException e) {
      String why = oneLine(e);
      throw new ParameterException(spec.commandLine(), "--model " + (why.contains(modelFile.toString()) ? why
          : modelFile + ": " + why));
    }
    if (!PersonFeatures.ID.equals(artifact.manifest().backbone().id())) {
      throw new ParameterException(spec.commandLine(), "--model " + modelFile + " was trained on '"
          + artifact.manifest().backbone().id() + "' features, not per-person '" + PersonFeatures.ID + "' ones");
    }
    PoseModels poseModels = PoseModels.locate();
    poseModels.landmark(pose.landmark); // verified now: a missing or altered file fails here, in one line
    stdout.printf(Locale.ROOT, "video %s: %dx%d at %.2f fps%s; camera '%s'; model %s (%d actions, clip %d "
        + "frames); pose %s (%s)%n", video, probe.width, probe.height, probe.fps,
        maxFrames > 0 ? ", first " + maxFrames + " frames" : "", camera, modelFile,
        artifact.manifest().labels().size(), artifact.manifest().clipLength(), pose, poseModels.folder());
    stdout.flush();

    Result result = run(camera, modelFile, probe, stdout);
    stdout.println(summary(personEvents(result.events)));
    stdout.flush();
    return 0;
  }

  /** Paths and numbers, before anything starts; a wrong one fails in one line. */
  private void validate() {
    if (!Files.exists(video)) {
      throw new ParameterException(spec.commandLine(), "--video " + video + ": no such file");
    }
    if (!Files.isRegularFile(video) || !Files.isReadable(video)) {
      throw new ParameterException(spec.commandLine(), "--video " + video + ": not a readable file");
    }
    if (out != null) {
      try {
        AnnotatedVideoWriter.format(out);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--out " + e.getMessage());
      }
      requireFolder("--out", out);
    }
    if (montage != null) {
      if (!montage.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
        throw new ParameterException(spec.commandLine(), "--montage " + montage + ": must end in .png");
      }
      requireFolder("--montage", montage);
    }
    if (model != null && !Files.isRegularFile(model)) {
      throw new ParameterException(spec.commandLine(), "--model " + model + ": no such file");
    }
    if (maxFrames < 0 || parallelism < 1 || checkpointIntervalMs < 10 || stallTimeoutSeconds < 1
        || montageFrames < 1 || montageWidth < 16) {
      throw new ParameterException(spec.commandLine(), "--max-frames must be >= 0, --parallelism and "
          + "--montage-frames >= 1, --checkpoint-interval-ms >= 10, --stall-timeout-s >= 1, --montage-width >= 16");
    }
    if (cameraId != null && cameraId.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--camera-id must not be blank");
    }
  }

  private void requireFolder(String option, Path file) {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new ParameterException(spec.commandLine(), option + " " + file + ": no such folder " + parent);
    }
  }

  /** The file's size and frame rate, by opening it as the camera will. */
  record Probe(int width, int height, double fps) {}

  private Probe probe(Path file) {
    try (CameraSource source = CameraSource.open(file.toString(), CameraOptions.defaults())) {
      double fps = source.frameRate();
      return new Probe(source.width(), source.height(), fps > 0 && fps < 1000 ? fps : 25);
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "--video " + oneLine(e));
    }
  }

  private Path resolveModel() {
    if (model != null) {
      return model;
    }
    Path home = installation();
    Path shipped = home == null ? null : home.resolve("models/people/model.vib");
    if (shipped == null || !Files.isRegularFile(shipped)) {
      throw new ParameterException(spec.commandLine(), "no --model given and no shipped model at "
          + (shipped == null ? "models/people/model.vib" : shipped));
    }
    return shipped;
  }

  /** {@code vibstream.home} (set by the launcher), else the nearest folder above the working one with bin/setup. */
  static Path installation() {
    String home = System.getProperty("vibstream.home");
    if (home != null && !home.isBlank()) {
      return Path.of(home);
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("bin/setup"))) {
        return d;
      }
    }
    return null;
  }

  static String defaultCameraId(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String id = stem.replaceAll("[^A-Za-z0-9_.-]", "_");
    return id.isEmpty() ? "video" : id;
  }

  /** Kafka, the job, the model and the camera; returns every event committed for the file's frames. */
  private Result run(String camera, Path modelFile, Probe probe, PrintWriter stdout) throws Exception {
    List<ActionEvent> events = new ArrayList<>();
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "recognize-camera");
      t.setDaemon(true);
      return t;
    });
    long started = System.nanoTime();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(KafkaWiring.FRAMES, 1, false);
      kafka.createTopic(KafkaWiring.MODELS, 1, true);
      kafka.createTopic(KafkaWiring.EVENTS, 1, false);
      kafka.createTopic(KafkaWiring.DEAD_LETTERS, 1, false);
      kafka.createTopic(KafkaWiring.MODEL_STATUS, 1, false);
      try (LocalFlink flink = LocalFlink.start(parallelism); Admin admin = kafka.admin()) {
        StreamExecutionEnvironment env = flink.environment();
        env.enableCheckpointing(checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
        String group = "recognize-" + UUID.randomUUID();
        KafkaWiring.of(kafka.bootstrapServers()).withIds(group, group)
            .job(PoseJob.config(pose, parallelism)).build(env);
        JobID job = flink.submit(env, "vibstream recognize " + camera);
        try {
          var release = ModelsCommand.publish(kafka.bootstrapServers(), KafkaWiring.MODELS, modelFile, null);
          stdout.printf(Locale.ROOT, "kafka on %s, job %s (parallelism %d, checkpoints every %d ms), model version "
              + "%d published (%.1f s)%n", kafka.bootstrapServers(), job, parallelism, checkpointIntervalMs,
              release.getVersion(), (System.nanoTime() - started) / 1e9);
          stdout.flush();
          CameraPublisher publisher = filePublisher(kafka.bootstrapServers(), camera);
          Future<CameraPublisher.Stats> publishing = pool.submit(() -> {
            try (publisher; CameraSource source = CameraSource.open(video.toString(), CameraOptions.defaults())) {
              return publisher.run(source, maxFrames);
            }
          });
          CameraPublisher.Stats stats = consume(kafka, admin, flink, job, group, publishing, events, stdout);
          stdout.printf(Locale.ROOT, "camera: captured=%d published=%d dropped=%d failed=%d; %d events committed "
              + "(%.1f s)%n", stats.captured(), stats.published(), stats.dropped(), stats.failed(), events.size(),
              (System.nanoTime() - started) / 1e9);
          stdout.flush();
          flink.cancel(job, Duration.ofSeconds(30)); // frees the cores for the annotation pass
          if (out != null || montage != null) {
            annotate(kafka.bootstrapServers(), camera, personEvents(events), stats.published(), probe, stdout);
          }
          return new Result(events, stats.published());
        } finally {
          flink.cancel(job, Duration.ofSeconds(30));
        }
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  static List<ActionEvent> personEvents(List<ActionEvent> events) {
    return events.stream().filter(e -> e.getTrackId() != null).toList();
  }

  /** A camera publisher for a file: paced at the file's frame rate, blocking rather than dropping frames. */
  private CameraPublisher filePublisher(String bootstrap, String camera) {
    Map<String, Object> config = CameraPublisher.producerConfig(bootstrap);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    KafkaProducer<String, Frame> producer = new KafkaProducer<>(config, new StringSerializer(),
        new AvroSerializer<>());
    return new CameraPublisher(producer, KafkaWiring.FRAMES, camera, ImageEncoder.defaultJpeg(80))
        .realtime(true)
        .connectTimeout(Duration.ofSeconds(30));
  }

  /**
   * Prints committed events as they come until the camera has finished and the job's group has
   * committed every frame's offset, then drains the events of that last checkpoint.
   */
  private CameraPublisher.Stats consume(EmbeddedKafka kafka, Admin admin, LocalFlink flink, JobID job, String group,
      Future<CameraPublisher.Stats> publishing, List<ActionEvent> events, PrintWriter stdout) throws Exception {
    CameraPublisher.Stats stats = null;
    long lastCommitted = -1;
    long lastProgress = System.nanoTime();
    try (KafkaConsumer<String, ActionEvent> consumer = committedReader(kafka.bootstrapServers())) {
      consumer.subscribe(List.of(KafkaWiring.EVENTS));
      while (true) {
        poll(consumer, events, stdout);
        if (stats == null && publishing.isDone()) {
          stats = publishing.get(); // a camera that failed fails the run
          if (stats.published() == 0) {
            throw new IllegalStateException(video + ": no frame was published (captured " + stats.captured()
                + ", failed " + stats.failed() + ")");
          }
        }
        JobStatus status = flink.status(job);
        if (status.isGloballyTerminalState()) {
          throw new IllegalStateException("the job ended early: " + status);
        }
        long committed = committedFrames(admin, group);
        if (committed != lastCommitted) {
          lastCommitted = committed;
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(stallTimeoutSeconds)) {
          throw new IllegalStateException("the job committed no frame for " + stallTimeoutSeconds + " s (at "
              + Math.max(0, committed) + " frames); see --stall-timeout-s");
        }
        if (stats != null && committed >= endOffset(admin)) {
          break;
        }
      }
      // The sink commits the events of a checkpoint when it completes, as the source its offsets.
      long drain = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * checkpointIntervalMs + 1000);
      while (System.nanoTime() < drain) {
        poll(consumer, events, stdout);
      }
    }
    return stats;
  }

  private static long committedFrames(Admin admin, String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    long sum = 0;
    boolean any = false;
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
      if (e.getKey().topic().equals(KafkaWiring.FRAMES) && e.getValue() != null) {
        sum += e.getValue().offset();
        any = true;
      }
    }
    return any ? sum : -1;
  }

  private static long endOffset(Admin admin) throws Exception {
    TopicPartition p = new TopicPartition(KafkaWiring.FRAMES, 0);
    ListOffsetsResult r = admin.listOffsets(Map.of(p, OffsetSpec.latest()));
    return r.partitionResult(p).get(10, TimeUnit.SECONDS).offset();
  }

  private static void poll(KafkaConsumer<String, ActionEvent> consumer, List<ActionEvent> events, PrintWriter out) {
    for (ConsumerRecord<String, ActionEvent> r : consumer.poll(Duration.ofMillis(200))) {
      ActionEvent e = r.value();
      events.add(e);
      if (e.getTrackId() != null) {
        out.println(eventLine(e));
      }
    }
    out.flush();
  }

  /** One committed event: {@code camera=C track=T frames=A..B label=L confidence=0.87 unsure=false}. */
  static String eventLine(ActionEvent e) {
    return String.format(Locale.ROOT, "camera=%s track=%d frames=%d..%d label=%s confidence=%.2f unsure=%s",
        e.getCameraId(), e.getTrackId(), e.getFirstSequenceNumber(), e.getLastSequenceNumber(), e.getLabel(),
        e.getConfidence(), e.getUnsure());
  }

  /** {@code tracks=N events=N labels=LABEL:COUNT,...}: distinct (camera, track), events, events per label (most first). */
  static String summary(List<ActionEvent> personEvents) {
    Set<String> tracks = new TreeSet<>();
    Map<String, Integer> perLabel = new TreeMap<>();
    for (ActionEvent e : personEvents) {
      tracks.add(e.getCameraId() + "\u0000" + e.getTrackId());
      perLabel.merge(e.getLabel(), 1, Integer::sum);
    }
    String labels = perLabel.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .map(en -> en.getKey() + ":" + en.getValue())
        .collect(Collectors.joining(","));
    return "tracks=" + tracks.size() + " events=" + personEvents.size() + " labels=" + labels;
  }

  private static KafkaConsumer<String, ActionEvent> committedReader(String bootstrap) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "recognize-reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
        new AvroDeserializer<>(ActionEvent.class));
  }

  /**
   * The annotation pass: the frames the job read, from the topic in order, through the job's
   * estimator and tracker, drawn with the events' labels, into the video and the montage. Checks
   * that each event's box is the box this pass finds for its track in the event's last frame.
   */
  private void annotate(String bootstrap, String camera, List<ActionEvent> personEvents, long frames, Probe probe,
      PrintWriter stdout) throws Exception {
    long started = System.nanoTime();
    TrackLabels labels = new TrackLabels(personEvents);
    Map<String, ActionEvent> byLastFrame = new HashMap<>();
    for (ActionEvent e : personEvents) {
      byLastFrame.put(e.getTrackId() + "@" + e.getLastSequenceNumber(), e);
    }
    Montage grid = montage == null ? null : new Montage(frames, montageFrames, montageWidth);
    Set<Long> tracks = new TreeSet<>();
    int agreeing = 0;
    long drawn = 0;
    long undecodable = 0;
    TopicPartition partition = new TopicPartition(KafkaWiring.FRAMES, 0);
    try (KafkaConsumer<String, Frame> reader = frameReader(bootstrap);
        PoseEstimator estimator = PoseJob.estimator(pose);
        AnnotatedVideoWriter writer = out == null ? null
            : AnnotatedVideoWriter.open(out, probe.width, probe.height, probe.fps)) {
      CameraTracks tracker = new CameraTracks(PoseJob.tracking(),
          PoseJob.config(pose, parallelism).maxTimeGap().toMillis());
      reader.assign(List.of(partition));
      reader.seekToBeginning(List.of(partition));
      long end = reader.endOffsets(List.of(partition)).get(partition);
      while (reader.position(partition) < end) {
        for (ConsumerRecord<String, Frame> r : reader.poll(Duration.ofMillis(500))) {
          DecodedFrame d;
          try {
            d = DecodeFunction.decode(r.value(), PersonFeatures.DIMENSION);
          } catch (IOException e) {
            undecodable++; // a dead letter in the job too
            continue;
          }
          if (!d.cameraId().equals(camera) || d.hasFeatures()) {
            continue;
          }
          PoseFrame frame = new PoseFrame(d.cameraId(), d.sequenceNumber(), d.captureTimestamp(), d.width(),
              d.height(), d.bgr());
          List<PersonPose> found = estimator.estimate(List.of(frame)).get(0);
          List<PersonTracker.TrackedPerson> tracked = tracker.update(d.sequenceNumber(), d.captureTimestamp(), found);
          List<PersonAnnotation> people = new ArrayList<>();
          for (PersonTracker.TrackedPerson p : tracked == null ? List.<PersonTracker.TrackedPerson>of() : tracked) {
            tracks.add(p.trackId());
            ActionEvent e = labels.at(camera, p.trackId(), d.sequenceNumber());
            people.add(e == null ? PersonAnnotation.unlabelled(p.trackId(), p.pose())
                : new PersonAnnotation(p.trackId(), p.pose(), e.getLabel(), e.getConfidence(), e.getUnsure()));
            ActionEvent ending = byLastFrame.get(p.trackId() + "@" + d.sequenceNumber());
            if (ending != null && sameBox(ending.getBox(), p.pose().box())) {
              agreeing++;
            }
          }
          BufferedImage image = d.toImage();
          FrameAnnotator.draw(image, people);
          if (writer != null) {
            writer.write(image);
          }
          if (grid != null) {
            grid.offer(d.sequenceNumber(), image);
          }
          drawn++;
        }
      }
      if (writer != null) {
        stdout.printf(Locale.ROOT, "annotated video %s: %d frames %dx%d at %.2f fps (%s)%n", out, drawn, probe.width,
            probe.height, probe.fps, writer.codec());
      }
    }
    if (grid != null && grid.size() > 0) {
      grid.write(montage);
      stdout.printf(Locale.ROOT, "montage %s: %d frames %s%n", montage, grid.size(),
          java.util.Arrays.toString(grid.sampledFrames()));
    }
    stdout.printf(Locale.ROOT, "skeletons: %d frames, %d tracks; %d of %d events' boxes equal this pass's box of "
        + "their track in their last frame%s (%.1f s)%n", drawn, tracks.size(), agreeing, personEvents.size(),
        undecodable > 0 ? "; " + undecodable + " undecodable frames skipped" : "", (System.nanoTime() - started) / 1e9);
    stdout.flush();
  }

  static boolean sameBox(BoundingBox event, PersonBox local) {
    return event != null && Math.abs(event.getX() - local.x()) < 0.01f && Math.abs(event.getY() - local.y()) < 0.01f
        && Math.abs(event.getWidth() - local.width()) < 0.01f && Math.abs(event.getHeight() - local.height()) < 0.01f;
  }

  private static KafkaConsumer<String, Frame> frameReader(String bootstrap) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50), new StringDeserializer(), new AvroDeserializer<>(Frame.class));
  }

  /**
   * The job in pose mode, and the estimator and tracker it runs per camera: the annotation pass
   * builds exactly what the job builds ({@link PoseEstimatorFactory#spec}, the job's default
   * {@link PersonTracker.Settings}) and feeds the tracker as {@link PersonTracking} does.
   */
  static final class PoseJob {
    private PoseJob() {}

    static String spec(Pose pose) {
      return ActionRecognitionJob.POSE_PREFIX + pose.name();
    }

    static ActionRecognitionJob.Config config(Pose pose, int parallelism) {
      return ActionRecognitionJob.Config.defaults(spec(pose))
          .withParallelism(parallelism)
          .withWatermarks(Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    static PoseEstimator estimator(Pose pose) {
      return PoseEstimatorFactory.spec(spec(pose)).open();
    }

    static PersonTracker.Settings tracking() {
      return PersonTracker.Settings.defaults();
    }
  }

  /**
   * One camera's tracker fed as {@link PersonTracking} feeds it: frames that do not follow the
   * last one are skipped, and after more than {@code maxTimeGapMs} without frames every track ends.
   */
  static final class CameraTracks {
    private final PersonTracker.Settings settings;
    private final long maxTimeGapMs;
    private final PersonTracker tracker;
    private TrackingCursor cursor;

    CameraTracks(PersonTracker.Settings settings, long maxTimeGapMs) {
      this.settings = settings;
      this.maxTimeGapMs = maxTimeGapMs;
      this.tracker = new PersonTracker(settings);
    }

    /** The tracked persons of a frame, or null when the job would drop it as late. */
    List<PersonTracker.TrackedPerson> update(long sequence, long timestampMs, List<PersonPose> found) {
      if (cursor != null && !cursor.follows(sequence, timestampMs)) {
        return null;
      }
      if (cursor != null && timestampMs - cursor.lastTimestamp() > maxTimeGapMs) {
        for (int i = 0; i <= settings.maxMissedFrames(); i++) {
          tracker.update(List.of(), cursor.lastTimestamp());
        }
      }
      cursor = new TrackingCursor(sequence, timestampMs);
      return tracker.update(found, timestampMs).persons();
    }
  }

  /** The label of each track over each frame: the latest-starting event whose window holds the frame. */
  static final class TrackLabels {
    private final Map<String, List<ActionEvent>> byTrack = new HashMap<>();

    TrackLabels(List<ActionEvent> personEvents) {
      for (ActionEvent e : personEvents) {
        byTrack.computeIfAbsent(e.getCameraId() + "\u0000" + e.getTrackId(), k -> new ArrayList<>()).add(e);
      }
      byTrack.values().forEach(l -> l.sort(Comparator.comparingLong(ActionEvent::getFirstSequenceNumber)));
    }

    /** The event to show for {@code track} at frame {@code sequence}, or null. */
    ActionEvent at(String camera, long track, long sequence) {
      List<ActionEvent> list = byTrack.get(camera + "\u0000" + track);
      if (list == null) {
        return null;
      }
      ActionEvent best = null;
      for (ActionEvent e : list) {
        if (e.getFirstSequenceNumber() > sequence) {
          break;
        }
        if (e.getLastSequenceNumber() >= sequence) {
          best = e;
        }
      }
      return best;
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip().replace('\n', ' ');
  }
}
