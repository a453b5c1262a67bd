package io.vibstream.local;

import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.RetrainStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the inference and retrain jobs committed, read with read_committed from the beginning of
 * the events, model-status and retrain-status topics: events per camera in emission order (a
 * camera's events share one partition), statuses in order.
 */
public final class CommittedOutputs implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroDeserializer<ActionEvent> eventValues = new AvroDeserializer<>(ActionEvent.class);
  private final AvroDeserializer<ModelStatus> modelStatusValues = new AvroDeserializer<>(ModelStatus.class);
  private final AvroDeserializer<RetrainStatus> retrainStatusValues = new AvroDeserializer<>(RetrainStatus.class);
  private final Map<String, List<ActionEvent>> events = new TreeMap<>();
  private final List<ModelStatus> modelStatus = new ArrayList<>();
  private final List<RetrainStatus> retrainStatus = new ArrayList<>();
  private Consumer<SpecificRecord> listener = r -> {};

  public CommittedOutputs(String bootstrap) {
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "committed-outputs-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
        new ByteArrayDeserializer());
    consumer.subscribe(List.of(Topic.EVENTS.topicName(), Topic.MODEL_STATUS.topicName(), Topic.RETRAIN_STATUS.topicName()));
  }

  /**
   * Reads until {@code condition} holds.
   *
   * @throws AssertionError naming {@code what} if it does not within {@code timeout}
   */
  public void await(String what, Duration timeout, BooleanSupplier condition) {
    if (!readUntil(timeout, condition)) {
      throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what + " (model status " + modelStatus
          + ", retrain status " + retrainStatus + ")");
    }
  }

  /** Reads until {@code condition} holds or {@code timeout} passed; returns whether it holds. */
  public boolean readUntil(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      poll();
    }
    return true;
  }

  /** Reads whatever arrives for {@code time}. */
  public void readFor(Duration time) {
    readUntil(time, () -> false);
  }

  /** Calls {@code listener} with every record as it is read from now on (e.g. to note when it became visible). */
  public CommittedOutputs onRecord(Consumer<SpecificRecord> listener) {
    this.listener = listener;
    return this;
  }

  /** Reads until nothing new arrived for {@code quiet}. */
  public void drain(Duration quiet) {
    long quietSince = System.nanoTime();
    while (System.nanoTime() - quietSince < quiet.toNanos()) {
      if (poll() > 0) {
        quietSince = System.nanoTime();
      }
    }
  }

  /** Each camera's events so far, in emission order. */
  public Map<String, List<ActionEvent>> events() {
    return events;
  }

  public List<ModelStatus> modelStatus() {
    return modelStatus;
  }

  public List<RetrainStatus> retrainStatus() {
    return retrainStatus;
  }

  private int poll() {
    int n = 0;
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
      n++;
      switch (Topic.named(r.topic()).orElseThrow()) {
        case EVENTS -> {
          ActionEvent e = eventValues.deserialize(r.topic(), r.value());
          events.computeIfAbsent(e.getCameraId(), c -> new ArrayList<>()).add(e);
          listener.accept(e);
        }
        case MODEL_STATUS -> {
          ModelStatus s = modelStatusValues.deserialize(r.topic(), r.value());
          modelStatus.add(s);
          listener.accept(s);
        }
        default -> {
          RetrainStatus s = retrainStatusValues.deserialize(r.topic(), r.value());
          retrainStatus.add(s);
          listener.accept(s);
        }
      }
    }
    return n;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
