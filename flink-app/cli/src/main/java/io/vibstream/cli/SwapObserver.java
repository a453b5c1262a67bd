package io.vibstream.cli;

import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.ReleaseStatus;
import io.vibstream.schemas.RetrainStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What {@code bench swap} sees of a running job and the retrain job beside it: model status,
 * events and retrain status, read committed from the beginning of the three topics.
 */
final class SwapObserver implements AutoCloseable {
  /**
   * When one version took over, in ms from the start of its publish.
   *
   * @param subtaskMs per subtask (by index), from its status timestamp
   * @param visibleMs until the last subtask's status was read
   * @param eventsMs until the last camera emitted its first event with the version
   */
  record Result(List<Long> subtaskMs, long visibleMs, long eventsMs) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroDeserializer<ModelStatus> statusValues = new AvroDeserializer<>(ModelStatus.class);
  private final AvroDeserializer<ActionEvent> eventValues = new AvroDeserializer<>(ActionEvent.class);
  private final AvroDeserializer<RetrainStatus> retrainValues = new AvroDeserializer<>(RetrainStatus.class);
  private final int subtasks;
  private final Map<Long, Map<Integer, ModelStatus>> status = new HashMap<>();
  private final Map<Long, Long> allStatusSeenAt = new HashMap<>();
  private final Map<String, List<ActionEvent>> events = new LinkedHashMap<>();
  private final List<RetrainStatus> retrains = new ArrayList<>();

  SwapObserver(String bootstrap, int subtasks, List<String> cameras) {
    this.subtasks = subtasks;
    cameras.forEach(c -> events.put(c, new ArrayList<>()));
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "bench-swap-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
        new ByteArrayDeserializer());
    consumer.subscribe(List.of(Topic.MODEL_STATUS.topicName(), Topic.EVENTS.topicName(),
        Topic.RETRAIN_STATUS.topicName()));
  }

  /**
   * Reads until every subtask accepted {@code version} and every camera emitted an event with it.
   *
   * @param publishedAt epoch ms when its publish started
   * @throws IllegalStateException if a subtask refused it or {@code timeout} passed first
   */
  Result awaitSwap(long version, long publishedAt, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!served(version)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("version " + version + " not served everywhere within " + timeout.toSeconds()
            + " s: status from subtasks " + status.getOrDefault(version, Map.of()).keySet() + ", cameras with an event "
            + "of it: " + events.entrySet().stream().filter(e -> first(e.getValue(), version) != null)
                .map(Map.Entry::getKey).toList());
      }
      poll();
    }
    List<Long> subtaskMs = new ArrayList<>();
    for (ModelStatus s : new TreeMap<>(status.get(version)).values()) {
      subtaskMs.add(s.getTimestamp().toEpochMilli() - publishedAt);
    }
    long eventsMs = Long.MIN_VALUE;
    for (List<ActionEvent> camera : events.values()) {
      ActionEvent e = first(camera, version);
      eventsMs = Math.max(eventsMs, e.getWindowEnd().toEpochMilli() + e.getLatencyMs() - publishedAt);
    }
    return new Result(subtaskMs, allStatusSeenAt.get(version) - publishedAt, eventsMs);
  }

  /**
   * Reads until the retrain job decided on a retraining; returns its status.
   *
   * @throws IllegalStateException if {@code timeout} passed first
   */
  RetrainStatus awaitRetrain(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (retrains.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the retrain job decided nothing within " + timeout.toSeconds() + " s");
      }
      poll();
    }
    return retrains.get(0);
  }

  /** The latency (ms) of every event read so far that was emitted at epoch ms {@code from} to before {@code to}. */
  List<Long> latencies(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (List<ActionEvent> camera : events.values()) {
      for (ActionEvent e : camera) {
        long emitted = e.getWindowEnd().toEpochMilli() + e.getLatencyMs();
        if (emitted >= from && emitted < to) {
          out.add(e.getLatencyMs());
        }
      }
    }
    return out;
  }

  /** Reads whatever arrives for {@code time}. */
  void drain(Duration time) {
    long end = System.nanoTime() + time.toNanos();
    while (System.nanoTime() < end) {
      poll();
    }
  }

  /** Events read so far. */
  int eventCount() {
    return events.values().stream().mapToInt(List::size).sum();
  }

  /**
   * What breaks "one event per {@code stride} frames, versions never going back" in each camera's
   * events so far (in emission order: a camera's events share one partition); empty if nothing.
   */
  List<String> continuityProblems(int stride) {
    return continuityProblems(events, stride);
  }

  /** {@link #continuityProblems(int)} of {@code events} by camera, each camera's in emission order. */
  static List<String> continuityProblems(Map<String, List<ActionEvent>> events, int stride) {
    List<String> problems = new ArrayList<>();
    events.forEach((camera, list) -> {
      if (list.isEmpty()) {
        problems.add(camera + ": no events");
      }
      for (int i = 1; i < list.size(); i++) {
        ActionEvent a = list.get(i - 1);
        ActionEvent b = list.get(i);
        if (b.getLastSequenceNumber() - a.getLastSequenceNumber() != stride) {
          problems.add(camera + ": event after frame " + a.getLastSequenceNumber() + " ends at frame "
              + b.getLastSequenceNumber() + ", expected " + (a.getLastSequenceNumber() + stride));
        }
        if (b.getModelVersion() < a.getModelVersion()) {
          problems.add(camera + ": version " + b.getModelVersion() + " after " + a.getModelVersion());
        }
      }
    });
    return problems;
  }

  private boolean served(long version) {
    Map<Integer, ModelStatus> byTask = status.getOrDefault(version, Map.of());
    for (ModelStatus s : byTask.values()) {
      if (s.getStatus() == ReleaseStatus.REFUSED) {
        throw new IllegalStateException("subtask " + s.getSubtask() + " refused version " + version + ": "
            + s.getReason());
      }
    }
    return byTask.size() == subtasks && events.values().stream().allMatch(list -> first(list, version) != null);
  }

  private static ActionEvent first(List<ActionEvent> camera, long version) {
    return camera.stream().filter(e -> e.getModelVersion() == version).findFirst().orElse(null);
  }

  private void poll() {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
      if (r.topic().equals(Topic.MODEL_STATUS.topicName())) {
        ModelStatus s = statusValues.deserialize(r.topic(), r.value());
        Map<Integer, ModelStatus> byTask = status.computeIfAbsent(s.getVersion(), v -> new HashMap<>());
        byTask.put(s.getSubtask(), s);
        if (byTask.size() == subtasks) {
          allStatusSeenAt.putIfAbsent(s.getVersion(), System.currentTimeMillis());
        }
      } else if (r.topic().equals(Topic.EVENTS.topicName())) {
        ActionEvent e = eventValues.deserialize(r.topic(), r.value());
        events.computeIfAbsent(e.getCameraId(), c -> new ArrayList<>()).add(e);
      } else {
        retrains.add(retrainValues.deserialize(r.topic(), r.value()));
      }
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
