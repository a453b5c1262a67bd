package io.vibstream.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.cli.Vibstream;
import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.camera.ImageEncoder;
import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.flink.functions.CenteredColorExtractor;
import io.vibstream.flink.functions.Retrainer;
import io.vibstream.flink.functions.TestModels;
import io.vibstream.flink.job.RhythmCamera.Scene;
import io.vibstream.local.CommittedOutputs;
import io.vibstream.local.LocalStack;
import io.vibstream.model.data.FeatureSequences;
import io.vibstream.model.training.CandidateTraining;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.ReleaseStatus;
import io.vibstream.schemas.RetrainDecision;
import io.vibstream.schemas.RetrainStatus;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on one embedded broker and one MiniCluster, the inference job (parallelism 2)
 * and the retrain job running side by side: model v1 ({@code vibstream train} on daylight clips,
 * {@code models publish}) serves two realtime {@link RhythmCamera}s in daylight; the cameras move
 * to a night scene that fools v1; labeled night clips ({@code vibstream label --features-dir})
 * make the retrain job publish v2, which the inference job swaps in while the cameras keep going;
 * then two bad releases are refused. Features come from a real deterministic backbone
 * ({@link CenteredColorExtractor}) on the JPEG frames, for the clips as for the job. Everything is
 * read back committed.
 */
class RetrainAndSwapKafkaTest {
  private static final int CLIP = 8;
  private static final int STRIDE = 2;
  private static final int SEGMENT_FRAMES = 40;
  private static final int NIGHT_CLIPS_PER_ACTION = 40;
  private static final List<String> CAMERAS = List.of("cam-0", "cam-1");
  private static final Duration STEP = Duration.ofSeconds(40);

  @AutoClose
  private static LocalStack stack;
  private static EmbeddedKafka kafka;

  @TempDir
  static Path tmp;

  /** One camera and its publisher. */
  private record Camera(RhythmCamera source, CameraPublisher publisher, Future<CameraPublisher.Stats> run) {}

  /** Events of one scene scored by one model version, windows inside one action only. */
  private record Phase(Scene scene, long version) {}

  @BeforeAll
  static void startStack() throws Exception {
    stack = LocalStack.start(LocalStack.Settings.of(3).withPartitions(2));
    kafka = stack.kafka();
  }

  @Test
  @Timeout(180)
  void aSceneShiftIsRetrainedAwayWhileEveryWindowKeepsItsEvent() throws Exception {
    Path v1 = tmp.resolve("v1.vib");
    assertThat(cli("train", "--data", "features:" + clips(tmp.resolve("daylight"), Scene.DAYLIGHT, 60, 1) + ":" + CLIP,
        "--hidden", "16", "--epochs", "30", "--batch-size", "16", "--lr", "1e-2", "--out", v1.toString())).isZero();
    assertThat(cli("models", "publish", v1.toString(), "--bootstrap", kafka.bootstrapServers())).isZero();
    Path nightClips = clips(tmp.resolve("night"), Scene.NIGHT, NIGHT_CLIPS_PER_ACTION, 2);

    JobClient recognition = startRecognition();
    JobClient retraining = startRetraining();
    Map<String, Camera> cameras = new TreeMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(CAMERAS.size());
    try (CommittedOutputs out = new CommittedOutputs(kafka.bootstrapServers())) {
      out.await("v1 serving on both subtasks", Duration.ofSeconds(60), () -> accepted(out, 1) == 2);
      Thread.sleep(1500); // the frames input goes idle, so the models stream holds no watermark back
      for (int i = 0; i < CAMERAS.size(); i++) {
        RhythmCamera source = new RhythmCamera(i + 1, SEGMENT_FRAMES);
        CameraPublisher publisher = CameraPublisher.create(kafka.bootstrapServers(), Topic.FRAMES.topicName(),
            CAMERAS.get(i)).realtime(true);
        cameras.put(CAMERAS.get(i), new Camera(source, publisher, pool.submit(() -> publisher.run(source, 0))));
      }
      out.await("daylight events of v1", STEP, () -> scored(out, cameras, new Phase(Scene.DAYLIGHT, 1)) >= 60);
      cameras.values().forEach(c -> c.source().shift(Scene.NIGHT));
      out.await("night events of v1", STEP, () -> scored(out, cameras, new Phase(Scene.NIGHT, 1)) >= 40);
      assertThat(cli("label", "--bootstrap", kafka.bootstrapServers(), "--features-dir", nightClips.toString()))
          .isZero();
      out.await("night events of v2", STEP, () -> scored(out, cameras, new Phase(Scene.NIGHT, 2)) >= 60);
      publishBadReleases(Files.readAllBytes(v1));
      out.await("v3 and v4 refused on both subtasks", STEP, () -> refused(out, 3) == 2 && refused(out, 4) == 2);
      long refusedAt = out.modelStatus().stream().filter(s -> s.getVersion() > 2)
          .mapToLong(s -> s.getTimestamp().toEpochMilli()).max().orElseThrow();
      out.await("events after the refusals", STEP, () -> CAMERAS.stream().allMatch(c -> out.events()
          .getOrDefault(c, List.of()).stream().filter(e -> e.getWindowStart().toEpochMilli() > refusedAt).count() >= 10));
      cameras.values().forEach(c -> c.publisher().stop());
      for (Camera c : cameras.values()) {
        assertThat(c.run().get(10, TimeUnit.SECONDS).dropped()).isZero();
      }
      out.drain(Duration.ofSeconds(3));
      assertThat(recognition.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
      assertThat(retraining.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

      assertAccuracyPerPhase(out, cameras);
      assertOneEventPerWindowAndVersionsInOrder(out);
      assertRetrainedOnceAndBadReleasesRefused(out, refusedAt);
    } finally {
      cameras.values().forEach(c -> c.publisher().stop());
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
      cameras.values().forEach(c -> c.publisher().close());
      recognition.cancel().get();
      retraining.cancel().get();
    }
  }

  /** (a) Accurate in daylight, fooled at night, accurate again once v2 serves. */
  private static void assertAccuracyPerPhase(CommittedOutputs out, Map<String, Camera> cameras) {
    Map<Phase, int[]> scores = scores(out, cameras);
    scores.forEach((phase, s) -> System.out.printf(Locale.ROOT, "%s v%d: %.1f%% of %d events (windows inside one "
        + "action)%n", phase.scene(), phase.version(), accuracy(s), s[1]));
    assertThat(scores.keySet()).containsExactlyInAnyOrder(new Phase(Scene.DAYLIGHT, 1), new Phase(Scene.NIGHT, 1),
        new Phase(Scene.NIGHT, 2));
    assertThat(accuracy(scores.get(new Phase(Scene.DAYLIGHT, 1)))).isGreaterThanOrEqualTo(90);
    assertThat(accuracy(scores.get(new Phase(Scene.NIGHT, 1)))).isLessThanOrEqualTo(50);
    assertThat(accuracy(scores.get(new Phase(Scene.NIGHT, 2)))).isGreaterThanOrEqualTo(90);
  }

  /**
   * (b) Each camera's events are exactly the windows {@code [k * STRIDE, k * STRIDE + CLIP - 1]}
   * from frame 0 on, in order: none lost or repeated across the swap; (c) its versions are v1, then
   * v2, never back.
   */
  private static void assertOneEventPerWindowAndVersionsInOrder(CommittedOutputs out) {
    assertThat(out.events().keySet()).containsExactlyElementsOf(CAMERAS);
    out.events().forEach((camera, events) -> {
      List<String> windows = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      List<Long> versions = new ArrayList<>();
      for (int k = 0; k < events.size(); k++) {
        ActionEvent e = events.get(k);
        windows.add(e.getFirstSequenceNumber() + ".." + e.getLastSequenceNumber());
        expected.add((long) k * STRIDE + ".." + ((long) k * STRIDE + CLIP - 1));
        if (versions.isEmpty() || versions.get(versions.size() - 1) != e.getModelVersion()) {
          versions.add(e.getModelVersion());
        }
      }
      assertThat(windows).as("windows of %s", camera).containsExactlyElementsOf(expected);
      assertThat(versions).as("versions of %s in emission order", camera).containsExactly(1L, 2L);
    });
  }

  /** One retraining published v2 from v1; (d) the bad releases were refused while v2 kept serving. */
  private static void assertRetrainedOnceAndBadReleasesRefused(CommittedOutputs out, long refusedAt) {
    assertThat(out.retrainStatus()).hasSize(1);
    RetrainStatus retrain = out.retrainStatus().get(0);
    assertThat(retrain.getDecision()).as(retrain.getReason()).isEqualTo(RetrainDecision.PUBLISHED);
    assertThat(retrain.getParentVersion()).isEqualTo(1);
    assertThat(retrain.getVersion()).isEqualTo(2);
    assertThat(retrain.getAccuracy()).isGreaterThan(retrain.getParentAccuracy());
    System.out.printf(Locale.ROOT, "retraining: v2 at %.1f%% validation accuracy against v1's %.1f%%, %d ms%n",
        retrain.getAccuracy(), retrain.getParentAccuracy(), retrain.getTrainingMs());

    assertThat(out.modelStatus()).extracting(ModelStatus::getVersion).containsOnly(1L, 2L, 3L, 4L);
    for (ModelStatus s : out.modelStatus()) {
      if (s.getVersion() <= 2) {
        assertThat(s.getStatus()).isEqualTo(ReleaseStatus.ACCEPTED);
      } else {
        assertThat(s.getStatus()).as(s.getReason()).isEqualTo(ReleaseStatus.REFUSED);
        assertThat(s.getServingVersion()).isEqualTo(2);
        assertThat(s.getReason()).contains(s.getVersion() == 3 ? "corrupt" : "dimension 5");
      }
    }
    for (List<ActionEvent> events : out.events().values()) {
      assertThat(events).filteredOn(e -> e.getWindowStart().toEpochMilli() > refusedAt)
          .hasSizeGreaterThanOrEqualTo(10).extracting(ActionEvent::getModelVersion).containsOnly(2L);
    }
  }

  private static JobClient startRecognition() throws Exception {
    StreamExecutionEnvironment env = KafkaTestJobs.environment(stack);
    ActionRecognitionJob.Settings config = KafkaTestJobs.config(2, Duration.ofMillis(50), STRIDE);
    stack.wiring().job(config).backbone(CenteredColorExtractor.factory()).build(env);
    return stack.flink().executeAsync(env, "action recognition");
  }

  private static JobClient startRetraining() throws Exception {
    StreamExecutionEnvironment env = KafkaTestJobs.environment(stack);
    Retrainer.Settings settings = Retrainer.Settings.defaults()
        .withWindow(1000, 0.25)
        .withTriggers(NIGHT_CLIPS_PER_ACTION * Scene.NIGHT.actions.size(), Duration.ZERO)
        .withTiming(Duration.ofMillis(100), Duration.ofSeconds(2))
        .withTraining(CandidateTraining.Settings.defaults());
    stack.retrainWiring().job(settings).build(env);
    return stack.flink().executeAsync(env, "retrain");
  }

  /**
   * {@code perAction} clips of {@link #CLIP} frames of each action in {@code scene} (a quarter of
   * them on the test side) as a feature data set: rendered, JPEG-encoded as the cameras publish
   * them, decoded as the job does and run through the job's backbone.
   */
  private static Path clips(Path dir, Scene scene, int perAction, long seed) throws Exception {
    Random random = new Random(seed);
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(dir, CenteredColorExtractor.ID,
        CenteredColorExtractor.DIMENSION, scene.actions);
        ImageEncoder jpeg = ImageEncoder.defaultJpeg(80);
        CenteredColorExtractor backbone = new CenteredColorExtractor()) {
      for (int i = 0; i < perAction; i++) {
        for (String action : scene.actions) {
          List<BufferedImage> decoded = new ArrayList<>();
          for (BufferedImage frame : RhythmCamera.clip(scene, action, CLIP, random)) {
            decoded.add(ImageIO.read(new ByteArrayInputStream(jpeg.encode(frame))));
          }
          writer.add(backbone.extract(decoded), action, i % 4 == 3 ? FeatureSequences.TEST : FeatureSequences.TRAIN,
              null);
        }
      }
    }
    return dir;
  }

  /** v3: v1's bytes with one flipped (checksum of the flipped bytes); v4: trained on another dimension. */
  private static void publishBadReleases(byte[] v1) throws Exception {
    byte[] corrupt = v1.clone();
    corrupt[corrupt.length / 2] ^= 0x5a;
    byte[] otherDimension = TestModels.artifact(4, CenteredColorExtractor.ID, CenteredColorExtractor.DIMENSION + 1,
        CLIP, 4);
    try (KafkaProducer<String, ModelRelease> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
        new AvroSerializer<>())) {
      producer.send(new ProducerRecord<>(Topic.MODELS.topicName(), Topic.versionKey(3),
          TestModels.release(3, corrupt))).get();
      producer.send(new ProducerRecord<>(Topic.MODELS.topicName(), Topic.versionKey(4),
          TestModels.release(4, otherDimension))).get();
    }
  }

  /** Per phase: {correct, scored}. */
  private static Map<Phase, int[]> scores(CommittedOutputs out, Map<String, Camera> cameras) {
    Map<Phase, int[]> scores = new TreeMap<>((a, b) -> a.scene() != b.scene() ? a.scene().compareTo(b.scene())
        : Long.compare(a.version(), b.version()));
    out.events().forEach((camera, events) -> {
      for (ActionEvent e : events) {
        RhythmCamera.Shown truth = cameras.get(camera).source().truthOf(e.getFirstSequenceNumber(),
            e.getLastSequenceNumber());
        if (truth != null) {
          int[] s = scores.computeIfAbsent(new Phase(truth.scene(), e.getModelVersion()), p -> new int[2]);
          s[0] += truth.action().equals(e.getLabel()) ? 1 : 0;
          s[1]++;
        }
      }
    });
    return scores;
  }

  private static int scored(CommittedOutputs out, Map<String, Camera> cameras, Phase phase) {
    int[] s = scores(out, cameras).get(phase);
    return s == null ? 0 : s[1];
  }

  private static double accuracy(int[] score) {
    return 100.0 * score[0] / score[1];
  }

  private static long accepted(CommittedOutputs out, long version) {
    return out.modelStatus().stream()
        .filter(s -> s.getVersion() == version && s.getStatus() == ReleaseStatus.ACCEPTED).count();
  }

  private static long refused(CommittedOutputs out, long version) {
    return out.modelStatus().stream()
        .filter(s -> s.getVersion() == version && s.getStatus() == ReleaseStatus.REFUSED).count();
  }

  private static int cli(String... args) {
    return Vibstream.commandLine().execute(args);
  }
}
