package io.vibstream.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.connectors.synth.SyntheticCamera;
import io.vibstream.flink.functions.MeanColorExtractor;
import io.vibstream.flink.functions.TestModels;
import io.vibstream.local.LocalStack;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.ReleaseStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end on a MiniCluster (parallelism 2) and an embedded broker: synthetic cameras publish
 * frames, a model release sits on the compacted models topic, events are read back committed.
 */
class ActionRecognitionJobKafkaTest {
  private static final int CLIP = 8;
  private static final int STRIDE = 2;
  private static final long MODEL_VERSION = 7;
  private static final List<String> CAMERAS = List.of("cam-0", "cam-1", "cam-2");

  @AutoClose
  private static LocalStack stack;
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startStack() throws Exception {
    stack = LocalStack.start(LocalStack.Settings.of(2));
    kafka = stack.kafka();
  }

  @Test
  @Timeout(150)
  void camerasToCommittedEvents() throws Exception {
    try (KafkaProducer<String, ModelRelease> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
        new AvroSerializer<>())) {
      byte[] artifact = TestModels.artifact(MODEL_VERSION, MeanColorExtractor.ID, MeanColorExtractor.DIMENSION, CLIP, 3);
      producer.send(new ProducerRecord<>(Topic.MODELS.topicName(), "action-model",
          TestModels.release(MODEL_VERSION, artifact))).get();
    }

    StreamExecutionEnvironment env = KafkaTestJobs.environment(stack); // no Kryo anywhere in the job (LocalFlink)
    ActionRecognitionJob.Settings config = KafkaTestJobs.config(2, Duration.ofMillis(50), STRIDE);
    stack.wiring().job(config).backbone(MeanColorExtractor.factory()).build(env);
    JobClient job = stack.flink().executeAsync(env, "action recognition IT");
    try {
      // cameras start after the frames input has gone idle (idleness 1 s): their frames must not be
      // late behind a watermark pushed forward by the model stream
      awaitRunning(job);
      Thread.sleep(3000);
      publishCorruptFrame();
      ExecutorService pool = Executors.newFixedThreadPool(CAMERAS.size());
      List<Future<CameraPublisher.Stats>> runs = new ArrayList<>();
      for (int i = 0; i < CAMERAS.size(); i++) {
        String camera = CAMERAS.get(i);
        String url = "synth://" + camera + "?seed=" + (i + 1) + "&fps=25&size=32x32&script=walk:1,wave:1"
            + "&realtime=false&loop=false";
        runs.add(pool.submit(() -> {
          try (CameraPublisher publisher = CameraPublisher.create(kafka.bootstrapServers(), Topic.FRAMES.topicName(),
              camera).realtime(true); SyntheticCamera source = SyntheticCamera.open(url)) {
            return publisher.run(source, 0);
          }
        }));
      }
      for (Future<CameraPublisher.Stats> run : runs) {
        assertThat(run.get().published()).isEqualTo(50);
      }
      pool.shutdown();

      List<ActionEvent> events = readEvents(Duration.ofSeconds(60));
      assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

      Map<String, List<ActionEvent>> byCamera = events.stream().collect(Collectors.groupingBy(e -> e.getCameraId()));
      assertThat(byCamera.keySet()).containsExactlyInAnyOrderElementsOf(CAMERAS);
      for (List<ActionEvent> camera : byCamera.values()) {
        camera.sort(Comparator.comparingLong(ActionEvent::getFirstSequenceNumber));
        assertThat(camera).hasSizeGreaterThanOrEqualTo(5);
        for (int i = 0; i < camera.size(); i++) {
          ActionEvent e = camera.get(i);
          assertThat(e.getModelVersion()).isEqualTo(MODEL_VERSION);
          assertThat(e.getLastSequenceNumber() - e.getFirstSequenceNumber()).isEqualTo(CLIP - 1);
          assertThat(e.getWindowEnd()).isAfterOrEqualTo(e.getWindowStart());
          assertThat(TestModels.LABELS).contains(e.getLabel());
          if (i > 0) {
            assertThat(e.getFirstSequenceNumber() - camera.get(i - 1).getFirstSequenceNumber())
                .as("stride of %s", e.getCameraId()).isEqualTo(STRIDE);
          }
        }
      }
      List<ConsumerRecord<String, Frame>> dead = readDeadLetters();
      assertThat(dead).hasSize(1);
      assertThat(dead.get(0).value().getCameraId()).isEqualTo("cam-bad");
      assertThat(new String(dead.get(0).headers().lastHeader(KafkaWiring.REASON_HEADER).value(),
          StandardCharsets.UTF_8)).contains("JPEG");
      List<ConsumerRecord<String, ModelStatus>> status = readModelStatus();
      assertThat(status).extracting(ConsumerRecord::key).containsOnly(Topic.versionKey(MODEL_VERSION));
      assertThat(status).extracting(r -> r.value().getSubtask()).containsExactlyInAnyOrder(0, 1);
      assertThat(status).extracting(r -> r.value().getStatus()).containsOnly(ReleaseStatus.ACCEPTED);
    } finally {
      job.cancel().get();
    }
  }

  private static void awaitRunning(JobClient job) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (job.getJobStatus().get() != JobStatus.RUNNING && System.nanoTime() < end) {
      Thread.sleep(100);
    }
  }

  private static void publishCorruptFrame() throws Exception {
    try (KafkaProducer<String, Frame> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
        new AvroSerializer<>())) {
      Frame bad = Frame.newBuilder().setCameraId("cam-bad").setSequenceNumber(0)
          .setCaptureTimestamp(Instant.now()).setWidth(32).setHeight(32).setEncoding(ImageEncoding.JPEG)
          .setImage(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3})).setGroundTruthLabel(null).build();
      producer.send(new ProducerRecord<>(Topic.FRAMES.topicName(), "cam-bad", bad)).get();
    }
  }

  /** Committed events until none arrived for 5 s (after at least one per camera) or the deadline. */
  private static List<ActionEvent> readEvents(Duration deadline) {
    List<ActionEvent> events = new ArrayList<>();
    try (KafkaConsumer<String, ActionEvent> consumer = new KafkaConsumer<>(committedReader(),
        new StringDeserializer(), new AvroDeserializer<>(ActionEvent.class))) {
      consumer.subscribe(List.of(Topic.EVENTS.topicName()));
      long end = System.nanoTime() + deadline.toNanos();
      long quietSince = System.nanoTime();
      while (System.nanoTime() < end) {
        int n = 0;
        for (ConsumerRecord<String, ActionEvent> r : consumer.poll(Duration.ofMillis(500))) {
          events.add(r.value());
          n++;
        }
        if (n > 0) {
          quietSince = System.nanoTime();
        }
        boolean all = events.stream().map(ActionEvent::getCameraId).distinct().count() == CAMERAS.size();
        if (all && System.nanoTime() - quietSince > Duration.ofSeconds(5).toNanos()) {
          break;
        }
      }
    }
    return events;
  }

  private static List<ConsumerRecord<String, Frame>> readDeadLetters() {
    List<ConsumerRecord<String, Frame>> out = new ArrayList<>();
    try (KafkaConsumer<String, Frame> consumer = new KafkaConsumer<>(committedReader(), new StringDeserializer(),
        new AvroDeserializer<>(Frame.class))) {
      consumer.subscribe(List.of(Topic.FRAMES_DEAD_LETTER.topicName()));
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (out.isEmpty() && System.nanoTime() < end) {
        consumer.poll(Duration.ofMillis(500)).forEach(out::add);
      }
      consumer.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    return out;
  }

  private static List<ConsumerRecord<String, ModelStatus>> readModelStatus() {
    List<ConsumerRecord<String, ModelStatus>> out = new ArrayList<>();
    try (KafkaConsumer<String, ModelStatus> consumer = new KafkaConsumer<>(committedReader(), new StringDeserializer(),
        new AvroDeserializer<>(ModelStatus.class))) {
      consumer.subscribe(List.of(Topic.MODEL_STATUS.topicName()));
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (out.size() < 2 && System.nanoTime() < end) {
        consumer.poll(Duration.ofMillis(500)).forEach(out::add);
      }
      consumer.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    return out;
  }

  private static Map<String, Object> committedReader() {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
  }
}
