package io.vibstream.flink.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.flink.functions.ActionRecognizer;
import io.vibstream.flink.functions.DecodeFunction;
import io.vibstream.flink.functions.JobMetrics;
import io.vibstream.flink.functions.MeanColorExtractor;
import io.vibstream.flink.functions.Retrainer;
import io.vibstream.flink.functions.TestModels;
import io.vibstream.local.LocalStack;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.runtime.VectorLstmRuntime;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import io.vibstream.schemas.LabeledClip;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15, a hostile world: every kind of bad input on the live topics, fed between good frames
 * and clips into the running jobs (embedded broker, one MiniCluster, the real {@link KafkaWiring}
 * and {@link RetrainKafkaWiring}), ends as a dead-letter record (the original bytes, source topic,
 * partition, offset and the expected reason) and a {@code framesDropped} / {@code clipsDropped}
 * counter of that reason, never as a failure or restart (restarts are off: any failure would fail
 * the job), while the good frames of two cameras still produce exactly the events their windows
 * give, in order, once each (read_committed), each scored as the model scores that window
 * offline, and the retrain job takes every good clip.
 */
class HostileInputKafkaTest {
  private static final int CLIP = 8;
  private static final int STRIDE = 2;
  private static final int GOOD_FRAMES = 40;
  private static final long MODEL_VERSION = 7;
  private static final long FRAME_MS = 40;
  private static final int MAX_FRAME_BYTES = 64 * 1024;
  private static final List<String> GOOD_CAMERAS = List.of("cam-0", "cam-1");
  private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

  @AutoClose
  private static LocalStack stack;
  private static EmbeddedKafka kafka;
  private static final AvroSerializer<Frame> AVRO = new AvroSerializer<>();
  private static final AvroSerializer<LabeledClip> CLIPS = new AvroSerializer<>();
  private static final int GOOD_CLIPS = 6;

  /**
   * One bad input: its name, the topic it arrives on, the record (given the index of the good
   * frames just sent) and the reason expected.
   */
  private record Case(String name, String topic, IntFunction<Bytes> record, String reason) {
    Case(String name, IntFunction<Bytes> record, String reason) {
      this(name, Topic.FRAMES.topicName(), record, reason);
    }

    /** A labeled clip for the retrain job. */
    static Case clip(String name, IntFunction<Bytes> record, String reason) {
      return new Case(name, Topic.TRAINING_CLIPS.topicName(), record, reason);
    }

    /** The dead-letter topic of its job. */
    String deadLetters() {
      return topic.equals(Topic.FRAMES.topicName()) ? Topic.FRAMES_DEAD_LETTER.topicName()
          : Topic.TRAINING_CLIPS_DEAD_LETTER.topicName();
    }

    /** The counter its job counts it in. */
    String counter() {
      return topic.equals(Topic.FRAMES.topicName()) ? "framesDropped" : "clipsDropped";
    }
  }

  /** A record's key and value as written to the frames topic. */
  private record Bytes(byte[] key, byte[] value) {
    static Bytes of(String camera, byte[] value) {
      return new Bytes(camera.getBytes(StandardCharsets.UTF_8), value);
    }

    static Bytes frame(Frame frame) {
      return of(frame.getCameraId(), AVRO.serialize(Topic.FRAMES.topicName(), frame));
    }

    static Bytes clip(LabeledClip clip) {
      return of(clip.getCameraId(), CLIPS.serialize(Topic.TRAINING_CLIPS.topicName(), clip));
    }
  }

  /** A case sent, with where it landed. */
  private record Sent(Case c, Bytes bytes, long offset) {}

  private static long base;

  private static final List<Case> CASES = List.of(
      new Case("corrupt JPEG", i -> Bytes.frame(frame("cam-bad", 0, now(), 32, 32,
          concat(new byte[] {(byte) 0xff, (byte) 0xd8}, noise(200, 1), new byte[] {(byte) 0xff, (byte) 0xd9}))),
          JobMetrics.CORRUPT),
      new Case("truncated JPEG", i -> Bytes.frame(frame("cam-bad", 1, now(), 32, 32,
          Arrays.copyOf(jpeg(Color.RED), jpeg(Color.RED).length / 2))), JobMetrics.CORRUPT),
      new Case("JPEG larger than its frame (decompression bomb)", i -> Bytes.frame(frame("cam-bad", 2, now(), 32, 32,
          claiming(jpeg(Color.RED), 8000, 8000))), JobMetrics.CORRUPT),
      new Case("truncated Avro", i -> Bytes.of("cam-0", Arrays.copyOf(goodValue("cam-0", 0), 12)), JobMetrics.NOT_AVRO),
      new Case("Avro with trailing bytes", i -> Bytes.of("cam-0", concat(goodValue("cam-0", i), new byte[] {1, 2, 3})),
          JobMetrics.NOT_AVRO),
      new Case("empty value", i -> Bytes.of("cam-1", new byte[0]), JobMetrics.NOT_AVRO),
      new Case("no value (tombstone)", i -> Bytes.of("cam-1", null), JobMetrics.NOT_AVRO),
      new Case("unknown schema version", i -> Bytes.of("cam-0", versioned((byte) 0x7f, goodValue("cam-0", i))),
          JobMetrics.UNKNOWN_SCHEMA_VERSION),
      new Case("JSON text", i -> Bytes.of("cam-0", "{\"cameraId\":\"cam-0\"}".getBytes(StandardCharsets.UTF_8)),
          JobMetrics.UNKNOWN_SCHEMA_VERSION),
      new Case("above the size limit", i -> Bytes.frame(frame("cam-bad", 100, now(), 32, 32,
          concat(jpeg(Color.BLUE), new byte[MAX_FRAME_BYTES]))), JobMetrics.TOO_LARGE),
      new Case("zero dimensions", i -> Bytes.frame(frame("cam-bad", 101, now(), 0, 0, jpeg(Color.GREEN))),
          JobMetrics.BAD_DIMENSIONS),
      new Case("negative dimensions", i -> Bytes.frame(frame("cam-bad", 102, now(), -32, 32, jpeg(Color.GREEN))),
          JobMetrics.BAD_DIMENSIONS),
      new Case("absurd dimensions", i -> Bytes.frame(frame("cam-bad", 103, now(), 1_000_000, 1_000_000,
          jpeg(Color.GREEN))), JobMetrics.BAD_DIMENSIONS),
      new Case("negative timestamp", i -> Bytes.frame(frame("cam-bad", 104, -5_000, 32, 32, jpeg(Color.GREEN))),
          JobMetrics.NEGATIVE_TIMESTAMP),
      new Case("far-future timestamp", i -> Bytes.frame(frame("cam-bad", 105, now() + Duration.ofDays(1).toMillis(),
          32, 32, jpeg(Color.GREEN))), JobMetrics.FUTURE_TIMESTAMP),
      new Case("unknown camera", i -> Bytes.frame(frame("cam-intruder", 0, now(), 32, 32, jpeg(Color.GREEN))),
          JobMetrics.UNKNOWN_CAMERA),
      new Case("sequence repeated after a reconnect", i -> Bytes.frame(frame("cam-0", i - 3, now(), 32, 32,
          goodJpeg("cam-0", i - 3))), JobMetrics.REPEATED_SEQUENCE),
      new Case("frame re-sent", i -> Bytes.of("cam-1", goodValue("cam-1", i - 1)), JobMetrics.REPEATED_SEQUENCE),
      Case.clip("clip: truncated Avro", i -> Bytes.of("cam-0", Arrays.copyOf(Bytes.clip(goodClip(i)).value(), 20)),
          JobMetrics.NOT_AVRO),
      Case.clip("clip: unknown schema version", i -> Bytes.of("cam-0", versioned((byte) 0x7f,
          Bytes.clip(goodClip(i)).value())), JobMetrics.UNKNOWN_SCHEMA_VERSION),
      Case.clip("clip: blank label", i -> Bytes.clip(LabeledClip.newBuilder(goodClip(i)).setLabel(" ").build()),
          JobMetrics.BAD_LABEL),
      Case.clip("clip: no features", i -> Bytes.clip(LabeledClip.newBuilder(goodClip(i)).setFeatures(null)
          .setFeatureDim(0).build()), JobMetrics.BAD_LENGTH),
      Case.clip("clip: not whole frames", i -> Bytes.clip(LabeledClip.newBuilder(goodClip(i))
          .setFeatures(goodClip(i).getFeatures().subList(0, MeanColorExtractor.DIMENSION * 3 + 1)).build()),
          JobMetrics.BAD_LENGTH),
      Case.clip("clip: another backbone", i -> Bytes.clip(LabeledClip.newBuilder(goodClip(i))
          .setBackboneId("another-backbone").build()), JobMetrics.BAD_BACKBONE),
      Case.clip("clip: another feature dimension", i -> Bytes.clip(LabeledClip.newBuilder(goodClip(i))
          .setFeatureDim(MeanColorExtractor.DIMENSION / 2).build()), JobMetrics.BAD_BACKBONE),
      Case.clip("clip: NaN feature", i -> {
        List<Float> features = new ArrayList<>(goodClip(i).getFeatures());
        features.set(3, Float.NaN);
        return Bytes.clip(LabeledClip.newBuilder(goodClip(i)).setFeatures(features).build());
      }, JobMetrics.BAD_FEATURES),
      new Case("far out of order", i -> Bytes.frame(frame("cam-lag", 2, base - 30_000, 32, 32, jpeg(Color.GRAY))),
          JobMetrics.OUT_OF_ORDER));

  @BeforeAll
  static void startStack() throws Exception {
    Configuration flink = METRICS.addToConfiguration(new Configuration());
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // a failure fails the job: no silent restart
    stack = LocalStack.start(LocalStack.Settings.of(2).withPartitions(1).withFlink(flink));
    kafka = stack.kafka();
  }

  @Test
  @Timeout(120)
  void everyBadInputIsDeadLetteredAndCountedWhileGoodFramesGiveTheirEventsOnce() throws Exception {
    byte[] artifact = TestModels.artifact(MODEL_VERSION, MeanColorExtractor.ID, MeanColorExtractor.DIMENSION, CLIP, 3);
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer.send(new ProducerRecord<>(Topic.MODELS.topicName(), "action-model".getBytes(StandardCharsets.UTF_8),
          new AvroSerializer<>().serialize(Topic.MODELS.topicName(),
              TestModels.release(MODEL_VERSION, artifact)))).get();
    }

    StreamExecutionEnvironment env = KafkaTestJobs.environment(stack);
    ActionRecognitionJob.Settings config = KafkaTestJobs.config(1, Duration.ofMillis(200), STRIDE)
        .withMaxFrameBytes(MAX_FRAME_BYTES)
        .withAllowedCameras(Set.of("cam-0", "cam-1", "cam-bad", "cam-lag"));
    stack.wiring().job(config).backbone(MeanColorExtractor.factory()).build(env);
    JobClient job = stack.flink().executeAsync(env, "hostile input");
    // The retrain job beside it, its triggers out of reach: it only takes clips here.
    StreamExecutionEnvironment retrainEnv = KafkaTestJobs.environment(stack);
    stack.retrainWiring().job(Retrainer.Settings.defaults().withTriggers(1000, Duration.ZERO)).build(retrainEnv);
    JobClient retrain = stack.flink().executeAsync(retrainEnv, "hostile clips");
    try {
      awaitModelServing();
      List<Sent> sent = new ArrayList<>();
      try (KafkaProducer<byte[], byte[]> producer = producer()) {
        base = System.currentTimeMillis();
        for (int i = 0; i < GOOD_FRAMES; i++) {
          for (String camera : GOOD_CAMERAS) {
            send(producer, Bytes.of(camera, goodValue(camera, i)));
          }
          if (i < 2) { // a camera whose third frame comes far out of order (the last case)
            send(producer, Bytes.frame(frame("cam-lag", i, now(), 32, 32, jpeg(Color.GRAY))));
          }
          if (i % 6 == 0 && i / 6 < GOOD_CLIPS) {
            send(producer, Topic.TRAINING_CLIPS.topicName(), Bytes.clip(goodClip(i)));
          }
          int c = i - 4;
          if (c >= 0 && c < CASES.size()) {
            Case bad = CASES.get(c);
            if (bad.reason().equals(JobMetrics.OUT_OF_ORDER)) {
              awaitWatermarkPast(sent);
            }
            Bytes bytes = bad.record().apply(i);
            sent.add(new Sent(bad, bytes, send(producer, bad.topic(), bytes)));
          }
          Thread.sleep(FRAME_MS);
        }
      }
      assertThat(sent).hasSize(CASES.size());

      // Every case dead-lettered once: original bytes, origin, reason.
      Map<String, ConsumerRecord<byte[], byte[]>> dead = readDeadLetters(sent.size());
      assertThat(dead).hasSize(sent.size());
      for (Sent s : sent) {
        ConsumerRecord<byte[], byte[]> d = dead.get(s.c().topic() + "@" + s.offset());
        assertThat(d).as(s.c().name()).isNotNull();
        assertThat(header(d, KafkaWiring.CODE_HEADER)).as(s.c().name()).isEqualTo(s.c().reason());
        assertThat(header(d, KafkaWiring.REASON_HEADER)).as(s.c().name()).isNotBlank();
        assertThat(d.topic()).as(s.c().name()).isEqualTo(s.c().deadLetters());
        assertThat(header(d, KafkaWiring.TOPIC_HEADER)).as(s.c().name()).isEqualTo(s.c().topic());
        assertThat(header(d, KafkaWiring.PARTITION_HEADER)).as(s.c().name()).isEqualTo("0");
        assertThat(d.key()).as(s.c().name()).isEqualTo(s.bytes().key());
        assertThat(d.value()).as(s.c().name()).isEqualTo(s.bytes().value());
      }

      // The good frames: exactly their windows' events, in order, once, scored as the model scores them.
      ModelArtifact model = ModelArtifacts.fromBytes(artifact, "v" + MODEL_VERSION);
      Map<String, List<ActionEvent>> events = readEvents();
      assertThat(events.keySet()).containsExactlyElementsOf(GOOD_CAMERAS);
      for (String camera : GOOD_CAMERAS) {
        List<ActionEvent> got = events.get(camera);
        List<Long> firsts = new ArrayList<>();
        for (long first = 0; first + CLIP <= GOOD_FRAMES; first += STRIDE) {
          firsts.add(first);
        }
        assertThat(got).extracting(ActionEvent::getFirstSequenceNumber).as(camera).containsExactlyElementsOf(firsts);
        for (ActionEvent e : got) {
          assertThat(e.getLastSequenceNumber()).isEqualTo(e.getFirstSequenceNumber() + CLIP - 1);
          assertThat(e.getModelVersion()).isEqualTo(MODEL_VERSION);
          float[] p = scores(model, camera, e.getFirstSequenceNumber());
          int best = argmax(p);
          assertThat(e.getLabel()).as("%s event %d", camera, e.getFirstSequenceNumber())
              .isEqualTo(model.manifest().labels().get(best));
          assertThat(e.getConfidence()).isCloseTo(p[best], offset(1e-4f));
        }
      }

      // A counter per reason, and the job never failed nor restarted.
      Map<String, Long> expected = new TreeMap<>();
      CASES.forEach(c -> expected.merge(c.counter() + "{reason=" + c.reason() + "}", 1L, Long::sum));
      Map<String, Long> counted = new TreeMap<>();
      for (Case c : CASES) {
        counted.put(c.counter() + "{reason=" + c.reason() + "}", dropped(c.topic().equals(Topic.FRAMES.topicName())
            ? job : retrain, c.counter(), c.reason()));
      }
      assertThat(counted).isEqualTo(expected);
      assertThat(counter(retrain, "clipsAccepted")).as("good clips taken").isEqualTo(GOOD_CLIPS);
      assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
      assertThat(retrain.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    } finally {
      job.cancel().get();
      retrain.cancel().get();
    }
  }

  /** The job's {@code counter} of {@code reason}, over its operators. */
  private static long dropped(JobClient job, String counter, String reason) {
    long n = 0;
    for (Map.Entry<MetricGroup, Map<String, Metric>> g : METRICS.getMetricsByGroup().entrySet()) {
      Map<String, String> variables = g.getKey().getAllVariables();
      if (job.getJobID().toString().equals(variables.get("<job_id>")) && reason.equals(variables.get("<reason>"))
          && g.getValue().get(counter) instanceof Counter c) {
        n += c.getCount();
      }
    }
    return n;
  }

  /** The job's {@code counter} outside any reason group, over its operators. */
  private static long counter(JobClient job, String counter) {
    long n = 0;
    for (Map.Entry<MetricGroup, Map<String, Metric>> g : METRICS.getMetricsByGroup().entrySet()) {
      Map<String, String> variables = g.getKey().getAllVariables();
      if (job.getJobID().toString().equals(variables.get("<job_id>")) && !variables.containsKey("<reason>")
          && g.getValue().get(counter) instanceof Counter c) {
        n += c.getCount();
      }
    }
    return n;
  }

  /** A clip the retrain job can use (the served model's backbone), its own per {@code i}. */
  private static LabeledClip goodClip(int i) {
    Random random = new Random(i);
    List<Float> features = new ArrayList<>();
    for (int f = 0; f < CLIP * MeanColorExtractor.DIMENSION; f++) {
      features.add(random.nextFloat());
    }
    return LabeledClip.newBuilder().setCameraId(GOOD_CAMERAS.get(i % 2)).setStartTimestamp(Instant.ofEpochMilli(base))
        .setEndTimestamp(Instant.ofEpochMilli(base + (CLIP - 1) * FRAME_MS))
        .setLabel(TestModels.LABELS.get(i % TestModels.LABELS.size())).setFeatureDim(MeanColorExtractor.DIMENSION)
        .setFeatures(features).setFrames(null).setBackboneId(MeanColorExtractor.ID).build();
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static long send(KafkaProducer<byte[], byte[]> producer, Bytes bytes) throws Exception {
    return send(producer, Topic.FRAMES.topicName(), bytes);
  }

  private static long send(KafkaProducer<byte[], byte[]> producer, String topic, Bytes bytes) throws Exception {
    RecordMetadata m = producer.send(new ProducerRecord<>(topic, bytes.key(), bytes.value())).get();
    return m.offset();
  }

  /** Good frame {@code seq} of {@code camera}: a color of its own, captured {@code seq * FRAME_MS} after the start. */
  private static byte[] goodValue(String camera, int seq) {
    return AVRO.serialize(Topic.FRAMES.topicName(),
        frame(camera, seq, base + seq * FRAME_MS, 32, 32, goodJpeg(camera, seq)));
  }

  private static byte[] goodJpeg(String camera, int seq) {
    int c = GOOD_CAMERAS.indexOf(camera);
    return jpeg(new Color((seq * 37 + c * 90) % 256, (seq * 11 + 40) % 256, (255 - seq * 5 - c * 60) & 0xff));
  }

  /** The model's scores of the window of {@code camera}'s good frames from {@code first}. */
  private static float[] scores(ModelArtifact model, String camera, long first) throws IOException {
    float[][][] clip = new float[1][CLIP][];
    MeanColorExtractor extractor = new MeanColorExtractor();
    for (int t = 0; t < CLIP; t++) {
      int seq = (int) first + t;
      BufferedImage image = DecodeFunction.decode(frame(camera, seq, 0, 32, 32, goodJpeg(camera, seq)),
          MeanColorExtractor.DIMENSION).toImage();
      clip[0][t] = extractor.extract(List.of(image))[0];
    }
    try (VectorLstmRuntime runtime = new VectorLstmRuntime(model.model())) {
      return ActionRecognizer.softmax(runtime.logits(clip)[0]);
    }
  }

  private static int argmax(float[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }

  private static Frame frame(String camera, long seq, long timestamp, int width, int height, byte[] image) {
    return Frame.newBuilder().setCameraId(camera).setSequenceNumber(seq)
        .setCaptureTimestamp(Instant.ofEpochMilli(timestamp)).setWidth(width).setHeight(height)
        .setEncoding(ImageEncoding.JPEG).setImage(ByteBuffer.wrap(image)).setGroundTruthLabel(null).build();
  }

  private static byte[] jpeg(Color color) {
    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, 32, 32);
    g.setColor(color.darker());
    g.fillRect(0, 0, 32, 12);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "jpg", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code jpeg} with its frame header (SOF0) claiming {@code width} x {@code height} pixels. */
  private static byte[] claiming(byte[] jpeg, int width, int height) {
    byte[] b = jpeg.clone();
    for (int i = 0; i + 8 < b.length; i++) {
      if ((b[i] & 0xff) == 0xff && (b[i + 1] & 0xff) == 0xc0) {
        b[i + 5] = (byte) (height >> 8);
        b[i + 6] = (byte) height;
        b[i + 7] = (byte) (width >> 8);
        b[i + 8] = (byte) width;
        return b;
      }
    }
    throw new IllegalStateException("no SOF0 marker");
  }

  private static byte[] noise(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] versioned(byte version, byte[] value) {
    byte[] b = value.clone();
    b[0] = version;
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /**
   * Until the job has refused every frame case sent so far (read uncommitted: written, not yet
   * committed), then a little longer for a periodic watermark over the frames read by then: a frame
   * counts as far out of order only once the watermark has passed it, which a job reading a
   * backlog in one go might not have done yet.
   */
  private static void awaitWatermarkPast(List<Sent> sent) throws InterruptedException {
    long frameCases = sent.stream().filter(s -> s.c().topic().equals(Topic.FRAMES.topicName())).count();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topic.FRAMES_DEAD_LETTER.topicName()));
      long seen = 0;
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (seen < frameCases && System.nanoTime() < end) {
        seen += consumer.poll(Duration.ofMillis(100)).count();
      }
    }
    Thread.sleep(600); // three watermark intervals (200 ms)
  }

  /** Until the recognizer's committed model status says it serves the model (frames before it would find none). */
  private static void awaitModelServing() {
    try (KafkaConsumer<byte[], byte[]> consumer = committedReader()) {
      consumer.subscribe(List.of(Topic.MODEL_STATUS.topicName()));
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (consumer.poll(Duration.ofMillis(200)).isEmpty()) {
        assertThat(System.nanoTime()).as("model status within 60 s").isLessThan(end);
      }
    }
  }

  /**
   * The committed dead letters of both jobs by source {@code topic@offset}, once {@code expected}
   * arrived (then 1 s more for extras).
   */
  private static Map<String, ConsumerRecord<byte[], byte[]>> readDeadLetters(int expected) {
    Map<String, ConsumerRecord<byte[], byte[]>> out = new HashMap<>();
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = committedReader()) {
      consumer.subscribe(List.of(Topic.FRAMES_DEAD_LETTER.topicName(), Topic.TRAINING_CLIPS_DEAD_LETTER.topicName()));
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (all.size() < expected && System.nanoTime() < end) {
        consumer.poll(Duration.ofMillis(200)).forEach(all::add);
      }
      consumer.poll(Duration.ofSeconds(1)).forEach(all::add);
    }
    for (ConsumerRecord<byte[], byte[]> r : all) {
      String origin = header(r, KafkaWiring.TOPIC_HEADER) + "@" + header(r, KafkaWiring.OFFSET_HEADER);
      assertThat(out.put(origin, r)).as("dead letter of %s", origin).isNull();
    }
    return out;
  }

  /** Committed events per camera, in order, once every good camera has all its windows (then 1 s more for extras). */
  private static Map<String, List<ActionEvent>> readEvents() {
    int perCamera = (GOOD_FRAMES - CLIP) / STRIDE + 1;
    AvroDeserializer<ActionEvent> values = new AvroDeserializer<>(ActionEvent.class);
    Map<String, List<ActionEvent>> events = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = committedReader()) {
      consumer.subscribe(List.of(Topic.EVENTS.topicName()));
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < end && !(events.size() == GOOD_CAMERAS.size()
          && events.values().stream().allMatch(l -> l.size() >= perCamera))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          ActionEvent e = values.deserialize(r.topic(), r.value());
          events.computeIfAbsent(e.getCameraId(), c -> new ArrayList<>()).add(e);
        }
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
        ActionEvent e = values.deserialize(r.topic(), r.value());
        events.computeIfAbsent(e.getCameraId(), c -> new ArrayList<>()).add(e);
      }
    }
    return events;
  }

  private static KafkaConsumer<byte[], byte[]> committedReader() {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }
}
