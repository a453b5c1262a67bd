package io.vibstream.local.people;

import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.camera.CameraSettings;
import io.vibstream.connectors.camera.CameraSource;
import io.vibstream.connectors.camera.ImageEncoder;
import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.local.LocalFlink;
import io.vibstream.local.LocalStack;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.Frame;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
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

/**
 * The action recognition job in pose mode on a video file, all in this process: an embedded Kafka
 * broker, the job on a local Flink cluster (exactly-once events at every checkpoint), the model
 * published to {@code models} (signed by a throwaway key that only this job trusts), the file
 * published as one camera to {@code frames} at its own frame rate ({@link PoseMode}).
 * {@code recognize} and {@code demo --video} run it.
 */
public final class PoseJob implements AutoCloseable {
  /** How the job runs. */
  public record Settings(Pose pose, int parallelism, long checkpointIntervalMs, long stallTimeoutSeconds) {}

  /** Sees each committed event as it is read, and every read loop (about every 200 ms). */
  public interface Listener {
    void event(ActionEvent e);

    default void polled() {}
  }

  /** Every event committed for the file's frames, and the camera's counts. */
  public record Result(List<ActionEvent> events, CameraPublisher.Stats camera) {}

  private final Settings settings;
  private final long started = System.nanoTime();
  private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "pose-job-camera");
    t.setDaemon(true);
    return t;
  });
  private LocalStack stack;
  private LocalFlink flink;
  private Admin admin;
  private JobID job;
  private String group;
  private volatile CameraPublisher publisher;

  private PoseJob(Settings settings) {
    this.settings = settings;
  }

  /** Starts Kafka and the job, publishes {@code modelFile} and prints one line about them. */
  public static PoseJob start(Settings settings, Path modelFile, String jobName, PrintWriter out) throws Exception {
    PoseJob j = new PoseJob(settings);
    try {
      j.stack = LocalStack.start(LocalStack.Settings.of(settings.parallelism()).withPartitions(1));
      j.flink = j.stack.flink();
      j.admin = j.stack.kafka().admin();
      StreamExecutionEnvironment env = j.flink.environment();
      env.enableCheckpointing(settings.checkpointIntervalMs(), CheckpointingMode.EXACTLY_ONCE);
      j.group = "recognize-" + UUID.randomUUID();
      KafkaWiring.of(j.bootstrap()).withIds(j.group, j.group)
          .job(PoseMode.config(settings.pose(), settings.parallelism())).trustedKeys(j.stack.signer().trustedKeys())
          .build(env);
      j.job = j.flink.submit(env, jobName);
      var release = j.stack.publishModel(modelFile, null);
      out.printf(Locale.ROOT, "kafka on %s, job %s (parallelism %d, checkpoints every %d ms), model version "
          + "%d published (%.1f s)%n", j.bootstrap(), j.job, settings.parallelism(),
          settings.checkpointIntervalMs(), release.getVersion(), j.seconds());
      out.flush();
      return j;
    } catch (Exception | Error e) {
      j.close();
      throw e;
    }
  }

  public String bootstrap() {
    return stack.bootstrap();
  }

  /** Seconds since the start. */
  public double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }

  /** Frames of the file published so far. */
  public long published() {
    CameraPublisher p = publisher;
    return p == null ? 0 : p.published();
  }

  public JobStatus status() throws Exception {
    return flink.status(job);
  }

  /**
   * Publishes the file (its first {@code maxFrames}, 0 = all) as camera {@code camera} and reads
   * the committed events until the job's group has committed the end of its frames (so every event
   * of them is committed too), then drains that last checkpoint's events and cancels the job
   * (Kafka stays up until {@link #close}).
   */
  public Result run(Path video, String camera, long maxFrames, Listener listener) throws Exception {
    publisher = filePublisher(camera);
    CameraPublisher p = publisher;
    Future<CameraPublisher.Stats> publishing = pool.submit(() -> {
      try (p; CameraSource source = CameraSource.open(video.toString(), CameraSettings.defaults())) {
        return p.run(source, maxFrames);
      }
    });
    List<ActionEvent> events = new ArrayList<>();
    CameraPublisher.Stats stats = null;
    long lastCommitted = -1;
    long lastProgress = System.nanoTime();
    try (KafkaConsumer<String, ActionEvent> consumer = committedReader()) {
      consumer.subscribe(List.of(Topic.EVENTS.topicName()));
      while (true) {
        poll(consumer, events, listener);
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
        long committed = committedFrames();
        if (committed != lastCommitted) {
          lastCommitted = committed;
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(settings.stallTimeoutSeconds())) {
          throw new IllegalStateException("the job committed no frame for " + settings.stallTimeoutSeconds()
              + " s (at " + Math.max(0, committed) + " frames); see --stall-timeout-s");
        }
        if (stats != null && committed >= endOffset()) {
          break;
        }
      }
      // The sink commits the events of a checkpoint when it completes, as the source its offsets.
      long drain = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * settings.checkpointIntervalMs() + 1000);
      while (System.nanoTime() < drain) {
        poll(consumer, events, listener);
      }
    }
    flink.cancel(job, Duration.ofSeconds(30)); // frees the cores for what follows
    return new Result(events, stats);
  }

  private static void poll(KafkaConsumer<String, ActionEvent> consumer, List<ActionEvent> events,
      Listener listener) {
    for (ConsumerRecord<String, ActionEvent> r : consumer.poll(Duration.ofMillis(200))) {
      events.add(r.value());
      listener.event(r.value());
    }
    listener.polled();
  }

  /** A camera publisher for a file: paced at the file's frame rate, blocking rather than dropping frames. */
  private CameraPublisher filePublisher(String camera) {
    Map<String, Object> config = CameraPublisher.producerConfig(bootstrap());
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    KafkaProducer<String, Frame> producer = new KafkaProducer<>(config, new StringSerializer(),
        new AvroSerializer<>());
    return new CameraPublisher(producer, Topic.FRAMES.topicName(), camera, ImageEncoder.defaultJpeg(80))
        .realtime(true)
        .connectTimeout(Duration.ofSeconds(30));
  }

  private long committedFrames() throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    long sum = 0;
    boolean any = false;
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
      if (e.getKey().topic().equals(Topic.FRAMES.topicName()) && e.getValue() != null) {
        sum += e.getValue().offset();
        any = true;
      }
    }
    return any ? sum : -1;
  }

  private long endOffset() throws Exception {
    TopicPartition p = new TopicPartition(Topic.FRAMES.topicName(), 0);
    return admin.listOffsets(Map.of(p, OffsetSpec.latest())).partitionResult(p).get(10, TimeUnit.SECONDS).offset();
  }

  private KafkaConsumer<String, ActionEvent> committedReader() {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
        ConsumerConfig.GROUP_ID_CONFIG, "recognize-reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
        new AvroDeserializer<>(ActionEvent.class));
  }

  /** Cancels the job, stops the cluster and the broker. */
  @Override
  public void close() throws Exception {
    try (LocalStack st = stack; Admin a = admin) {
      if (flink != null && job != null) {
        flink.cancel(job, Duration.ofSeconds(30));
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
