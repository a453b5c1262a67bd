package io.vibstream.local.bench;

import io.vibstream.local.CommittedOutputs;
import io.vibstream.local.ModelRegistry;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.ReleaseStatus;
import io.vibstream.schemas.RetrainDecision;
import io.vibstream.schemas.RetrainStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code bench swap} sees of a running job and the retrain job beside it, on
 * {@link CommittedOutputs}: when every subtask took a new model version and every camera emitted
 * an event with it, the events' latencies, the retrain job's decision, and whether each camera's
 * events kept one per stride with versions never going back.
 */
public final class SwapObserver implements AutoCloseable {
  /**
   * When one version took over, in ms from the start of its publish.
   *
   * @param publishMs until its publish committed (0 where not measured)
   * @param subtaskMs per subtask (by index), from its status timestamp
   * @param visibleMs until the last subtask's status was read
   * @param eventsMs until the last camera emitted its first event with the version
   */
  public record Result(long publishMs, List<Long> subtaskMs, long visibleMs, long eventsMs) {
    /** Until every subtask switched: the swap time. */
    public long switchMs() {
      return subtaskMs.stream().mapToLong(Long::longValue).max().orElseThrow();
    }
  }

  /** The latency (ms) of the events emitted over {@code millis} ms of one phase. */
  public record Phase(long millis, List<Long> latencies) {
    public long p(double percentile) {
      return BenchEvents.percentile(latencies, percentile);
    }

    public long max() {
      return latencies.stream().mapToLong(Long::longValue).max().orElse(0);
    }
  }

  /** The latency with the retrain job idle and while it trained, and its decision. */
  public record TrainingLatency(Phase idle, Phase training, RetrainStatus decision) {}

  /** Starts the one training (e.g. publishes its clips). */
  @FunctionalInterface
  public interface Training {
    void start() throws Exception;
  }

  private final CommittedOutputs outputs;
  private final int subtasks;
  private final List<String> cameras;
  private final Map<Long, Map<Integer, ModelStatus>> status = new HashMap<>();
  private final Map<Long, Long> allStatusSeenAt = new HashMap<>();

  /** Observes {@code outputs} (which it closes) for a job of {@code subtasks} subtasks fed by {@code cameras}. */
  public SwapObserver(CommittedOutputs outputs, int subtasks, List<String> cameras) {
    this.outputs = outputs;
    this.subtasks = subtasks;
    this.cameras = List.copyOf(cameras);
    outputs.onRecord(r -> {
      if (r instanceof ModelStatus s) {
        Map<Integer, ModelStatus> byTask = status.computeIfAbsent(s.getVersion(), v -> new HashMap<>());
        byTask.put(s.getSubtask(), s);
        if (byTask.size() == subtasks) {
          allStatusSeenAt.putIfAbsent(s.getVersion(), System.currentTimeMillis());
        }
      }
    });
  }

  /** Publishes {@code release} on {@code registry}, then {@link #awaitSwap awaits} its swap. */
  public Result swap(ModelRegistry registry, ModelRelease release, Duration timeout) throws Exception {
    long t0 = System.currentTimeMillis();
    registry.publish(release);
    long published = System.currentTimeMillis() - t0;
    Result r = awaitSwap(release.getVersion(), t0, timeout);
    return new Result(published, r.subtaskMs(), r.visibleMs(), r.eventsMs());
  }

  /**
   * Reads until every subtask accepted {@code version} and every camera emitted an event with it.
   *
   * @param publishedAt epoch ms when its publish started
   * @throws IllegalStateException if a subtask refused it or {@code timeout} passed first
   */
  public Result awaitSwap(long version, long publishedAt, Duration timeout) {
    if (!outputs.readUntil(timeout, () -> served(version))) {
      throw new IllegalStateException("version " + version + " not served everywhere within " + timeout.toSeconds()
          + " s: status from subtasks " + status.getOrDefault(version, Map.of()).keySet() + ", cameras with an event "
          + "of it: " + events().entrySet().stream().filter(e -> first(e.getValue(), version) != null)
              .map(Map.Entry::getKey).toList());
    }
    List<Long> subtaskMs = new ArrayList<>();
    for (ModelStatus s : new TreeMap<>(status.get(version)).values()) {
      subtaskMs.add(s.getTimestamp().toEpochMilli() - publishedAt);
    }
    long eventsMs = Long.MIN_VALUE;
    for (List<ActionEvent> camera : events().values()) {
      ActionEvent e = first(camera, version);
      eventsMs = Math.max(eventsMs, e.getWindowEnd().toEpochMilli() + e.getLatencyMs() - publishedAt);
    }
    return new Result(0, subtaskMs, allStatusSeenAt.get(version) - publishedAt, eventsMs);
  }

  /**
   * Reads until the retrain job decided on a retraining; returns its status.
   *
   * @throws IllegalStateException if {@code timeout} passed first
   */
  public RetrainStatus awaitRetrain(Duration timeout) {
    if (!outputs.readUntil(timeout, () -> !outputs.retrainStatus().isEmpty())) {
      throw new IllegalStateException("the retrain job decided nothing within " + timeout.toSeconds() + " s");
    }
    return outputs.retrainStatus().get(0);
  }

  /**
   * The events' latency over {@code idle} with the retrain job idle, then while it trains once
   * {@code training} started (from {@code trainingMs} before its decision to the decision), reading
   * for {@code commit} more so that the events emitted by then are committed.
   *
   * @throws IllegalStateException if it trained no candidate or no event was emitted while it trained
   */
  public TrainingLatency latencyWhileTraining(Duration idle, Training training, Duration timeout, Duration commit)
      throws Exception {
    long idleFrom = System.currentTimeMillis();
    drain(idle);
    long idleTo = System.currentTimeMillis();
    training.start();
    RetrainStatus decision = awaitRetrain(timeout);
    if (decision.getDecision() != RetrainDecision.PUBLISHED && decision.getDecision() != RetrainDecision.REJECTED) {
      throw new IllegalStateException("the retrain job trained no candidate: " + decision.getDecision() + ": "
          + decision.getReason());
    }
    long trainingTo = decision.getCreatedAt().toEpochMilli();
    long trainingFrom = trainingTo - decision.getTrainingMs();
    drain(commit);
    List<Long> during = latencies(trainingFrom, trainingTo);
    if (during.isEmpty()) {
      throw new IllegalStateException("no event was emitted during the " + decision.getTrainingMs() + " ms of "
          + "training, so there is no latency to measure: raise --retrain-epochs or --retrain-clips");
    }
    return new TrainingLatency(new Phase(idleTo - idleFrom, latencies(idleFrom, idleTo)),
        new Phase(trainingTo - trainingFrom, during), decision);
  }

  /** The latency (ms) of every event read so far that was emitted at epoch ms {@code from} to before {@code to}. */
  public List<Long> latencies(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (List<ActionEvent> camera : events().values()) {
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
  public void drain(Duration time) {
    outputs.readFor(time);
  }

  /** Events read so far. */
  public int eventCount() {
    return outputs.events().values().stream().mapToInt(List::size).sum();
  }

  /**
   * What breaks "one event per {@code stride} frames, versions never going back" in each camera's
   * events so far (in emission order: a camera's events share one partition); empty if nothing.
   */
  public List<String> continuityProblems(int stride) {
    return continuityProblems(events(), stride);
  }

  /** {@link #continuityProblems(int)} of {@code events} by camera, each camera's in emission order. */
  public static List<String> continuityProblems(Map<String, List<ActionEvent>> events, int stride) {
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

  /** Each camera's events so far, the bench's cameras first (empty if none yet). */
  private Map<String, List<ActionEvent>> events() {
    Map<String, List<ActionEvent>> byCamera = new LinkedHashMap<>();
    cameras.forEach(c -> byCamera.put(c, outputs.events().getOrDefault(c, List.of())));
    byCamera.putAll(outputs.events());
    return byCamera;
  }

  private boolean served(long version) {
    Map<Integer, ModelStatus> byTask = status.getOrDefault(version, Map.of());
    for (ModelStatus s : byTask.values()) {
      if (s.getStatus() == ReleaseStatus.REFUSED) {
        throw new IllegalStateException("subtask " + s.getSubtask() + " refused version " + version + ": "
            + s.getReason());
      }
    }
    return byTask.size() == subtasks && events().values().stream().allMatch(list -> first(list, version) != null);
  }

  private static ActionEvent first(List<ActionEvent> camera, long version) {
    return camera.stream().filter(e -> e.getModelVersion() == version).findFirst().orElse(null);
  }

  @Override
  public void close() {
    outputs.close();
  }
}
