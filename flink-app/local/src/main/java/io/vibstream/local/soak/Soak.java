package io.vibstream.local.soak;

import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.camera.ImageEncoder;
import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.local.CommittedOutputs;
import io.vibstream.local.LocalStack;
import io.vibstream.local.bench.CameraFleet;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.ReleaseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A soak of a job on a {@link LocalStack}: while its cameras run, samples this process's memory,
 * the committed events and the job's lag on the frames topic; then drains until the job has
 * committed every frame. Its cameras block rather than drop ({@link #blockingPublisher}), so every
 * frame has its sequence number and the events can be checked for loss ({@link StrideCheck}).
 */
public final class Soak implements AutoCloseable {
  /** One sample, {@code seconds} after the cameras started. */
  public record Sample(double seconds, ProcessMemory.Sample memory, long events, long lagFrames) {}

  private final LocalStack stack;
  private final JobID job;
  private final String group;
  private final CommittedOutputs outputs;
  private final Admin admin;

  /** A soak of {@code job}, whose frames source reads as consumer group {@code group}. */
  public Soak(LocalStack stack, JobID job, String group) {
    this.stack = stack;
    this.job = job;
    this.group = group;
    this.outputs = stack.outputs();
    this.admin = stack.kafka().admin();
  }

  /** A publisher that waits for Kafka rather than dropping a frame, so sequence numbers have no gap. */
  public static CameraPublisher blockingPublisher(String bootstrap, String camera) {
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

  /**
   * Waits (at most 2 minutes) until every one of {@code subtasks} accepted model {@code version}:
   * every camera's windows start at its first frame only if the model serves before the cameras start.
   */
  public void awaitServing(long version, int subtasks) {
    if (!outputs.readUntil(Duration.ofMinutes(2), () -> accepted(version) >= subtasks)) {
      throw new IllegalStateException("the job did not serve model version " + version + " within 2 minutes");
    }
  }

  /**
   * Samples every {@code every} while {@code cameras} run for {@code duration}, passing each sample
   * to {@code progress}.
   *
   * @throws IllegalStateException if a camera or the job ends first (a camera's failure is thrown as is)
   */
  public List<Sample> sample(CameraFleet cameras, Duration duration, Duration every, Consumer<Sample> progress)
      throws Exception {
    SoakLag lag = new SoakLag(admin, group, Topic.FRAMES.topicName());
    List<Sample> samples = new ArrayList<>();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    long nextSample = start;
    while (System.nanoTime() < end) {
      outputs.readFor(Duration.ofMillis(200));
      cameras.checkRunning();
      checkJob();
      if (System.nanoTime() >= nextSample) {
        samples.add(new Sample((System.nanoTime() - start) / 1e9, ProcessMemory.sample(), eventCount(), lag.frames()));
        progress.accept(samples.get(samples.size() - 1));
        nextSample += every.toNanos();
      }
    }
    return samples;
  }

  /**
   * Once the cameras stopped: reads until the job's lag is 0 (at most 5 minutes), then for
   * {@code quiet} more, until the events of the last frames are committed.
   */
  public void drain(Duration quiet) throws Exception {
    SoakLag lag = new SoakLag(admin, group, Topic.FRAMES.topicName());
    long drainLimit = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (lag.frames() != 0 && System.nanoTime() < drainLimit) {
      outputs.readFor(Duration.ofMillis(200));
      checkJob();
    }
    outputs.readFor(quiet);
  }

  /** The committed events read so far, camera by camera. */
  public List<ActionEvent> events() {
    return outputs.events().values().stream().flatMap(List::stream).toList();
  }

  /** Frames the job sent to the dead-letter topic. */
  public long deadLetters() throws Exception {
    return new SoakLag(admin, group, Topic.FRAMES_DEAD_LETTER.topicName()).end();
  }

  /** Subtasks that accepted {@code version} so far. */
  private int accepted(long version) {
    Set<Integer> subtasks = new HashSet<>();
    for (ModelStatus s : outputs.modelStatus()) {
      if (s.getVersion() == version && s.getStatus() == ReleaseStatus.REFUSED) {
        throw new IllegalStateException("the job refused model version " + version + ": " + s.getReason());
      }
      if (s.getVersion() == version) {
        subtasks.add(s.getSubtask());
      }
    }
    return subtasks.size();
  }

  private long eventCount() {
    return outputs.events().values().stream().mapToLong(List::size).sum();
  }

  private void checkJob() throws Exception {
    if (stack.flink().status(job).isGloballyTerminalState()) {
      throw new IllegalStateException("the job ended during the soak: " + stack.flink().status(job));
    }
  }

  @Override
  public void close() {
    try {
      outputs.close();
    } finally {
      admin.close();
    }
  }
}
