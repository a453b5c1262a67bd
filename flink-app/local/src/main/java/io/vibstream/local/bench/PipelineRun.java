package io.vibstream.local.bench;

import static io.vibstream.local.JobRest.stat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.flink.functions.BackboneFactory;
import io.vibstream.flink.job.ActionRecognitionJob;
import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.local.JobRest;
import io.vibstream.local.LocalFlink;
import io.vibstream.model.signing.TrustedKeys;
import io.vibstream.schemas.ActionEvent;
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
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * One measured run of the inference job on a fresh local cluster (1 s exactly-once checkpoints)
 * against a broker: over frames preloaded into Kafka, or while realtime cameras replay rendered
 * frames. Its frames/s are counted between the first and the last event's emission time; after it,
 * the job's REST API gives the keyed state per camera and where the time went.
 */
public final class PipelineRun {
  /** Frames each realtime camera renders beforehand and then replays in a loop. */
  private static final int REPLAY_FRAMES = 200;
  /** A preloaded run ends early after this long without events (RocksDB checkpoints can take seconds). */
  private static final Duration PRELOADED_QUIET = Duration.ofSeconds(30);

  /** What a run reads: {@code frames} frames of each of {@code cameras} cameras, a model of clip {@code clip}. */
  public record Workload(int cameras, int frames, int clip) {
    int stride() {
      return Math.max(1, clip / 4);
    }

    public long expectedEvents() {
      return frames < clip ? 0 : (long) ((frames - clip) / stride() + 1) * cameras;
    }
  }

  /** The job of a run: its settings, its backbone (null: the settings' spec) and its topics. */
  public record Job(ActionRecognitionJob.Settings config, BackboneFactory backbone, String frames, String models,
      String events) {}

  /**
   * A run's events and frames/s; {@code complete}: it saw all the events it expected;
   * {@code liveStartMs}: when realtime cameras started, else 0; {@code timeProfile}: the job's
   * account of a realtime run, else empty.
   */
  public record Result(List<ActionEvent> events, double fps, double stateBytesPerCamera, boolean complete,
      long liveStartMs, String timeProfile) {}

  private final String bootstrap;
  private final TrustedKeys trustedKeys;
  private final int parallelism;

  /** Runs on the broker at {@code bootstrap} with {@code parallelism} slots, trusting {@code trustedKeys}. */
  public PipelineRun(String bootstrap, TrustedKeys trustedKeys, int parallelism) {
    this.bootstrap = bootstrap;
    this.trustedKeys = trustedKeys;
    this.parallelism = parallelism;
  }

  /**
   * The job over the frames already in its topic, on a cluster with the extra settings
   * {@code cluster}; a run still going after {@code timeout} is measured on the events it produced.
   */
  public Result preloaded(Job job, Workload load, Configuration cluster, Duration timeout) throws Exception {
    return run(job, load, cluster, null, timeout, 0, null);
  }

  /**
   * The job while each camera of {@code load} ({@code live0}, {@code live1}, ...) replays 200 frames
   * rendered at {@code size} in a loop, in real time at {@code fps}, for {@code seconds}.
   */
  public Result live(Job job, Workload load, double fps, long seconds, String size) throws Exception {
    return run(job, load, new Configuration(), fps, Duration.ofSeconds(seconds + 30), seconds, size);
  }

  private Result run(Job job, Workload load, Configuration cluster, Double liveFps, Duration timeout, long liveSeconds,
      String size) throws Exception {
    int cameras = load.cameras();
    try (LocalFlink flink = LocalFlink.start(parallelism, cluster)) {
      StreamExecutionEnvironment env = flink.environment();
      env.enableCheckpointing(1000, CheckpointingMode.EXACTLY_ONCE);
      String group = "bench-" + UUID.randomUUID();
      ActionRecognitionJob recognition = KafkaWiring.of(bootstrap)
          .withTopics(job.frames(), job.models(), job.events(), Topic.FRAMES_DEAD_LETTER.topicName()).withIds(group, group)
          .job(job.config()).trustedKeys(trustedKeys);
      if (job.backbone() != null) {
        recognition.backbone(job.backbone());
      }
      recognition.build(env);
      JobID id = flink.submit(env, "bench");
      ExecutorService pool = null;
      List<Future<?>> live = new ArrayList<>();
      long liveStartMs = 0;
      if (liveFps != null) {
        List<List<VideoFrame>> rendered = new ArrayList<>();
        for (int i = 0; i < cameras; i++) {
          rendered.add(SyntheticFrames.render("live" + i, i + 1, size, REPLAY_FRAMES));
        }
        pool = Executors.newFixedThreadPool(cameras);
        liveStartMs = System.currentTimeMillis();
        long liveFrames = (long) (liveFps * liveSeconds);
        for (int i = 0; i < cameras; i++) {
          String name = "live" + i;
          ReplaySource replay = new ReplaySource(rendered.get(i), liveFps);
          live.add(pool.submit(() -> {
            try (CameraPublisher p = CameraPublisher.create(bootstrap, job.frames(), name)) {
              return p.run(replay, liveFrames);
            }
          }));
        }
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      List<ActionEvent> events = new ArrayList<>();
      double state;
      String profile;
      boolean complete = false;
      try (KafkaConsumer<String, ActionEvent> consumer = BenchEvents.committedReader(bootstrap, job.events())) {
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
          int n = 0;
          for (ConsumerRecord<String, ActionEvent> r : consumer.poll(Duration.ofMillis(200))) {
            events.add(r.value());
            n++;
          }
          if (n > 0) {
            quietSince = System.nanoTime();
          }
          boolean liveDone = live.stream().allMatch(Future::isDone);
          // A camera's last window or two may never close: its last frames stay behind the watermark.
          long quiet = System.nanoTime() - quietSince;
          if (liveFps == null && (events.size() >= load.expectedEvents()
              || (events.size() >= load.expectedEvents() - 2L * cameras && quiet > Duration.ofSeconds(5).toNanos()))) {
            complete = true;
            break;
          }
          if (liveFps == null && !events.isEmpty() && quiet > PRELOADED_QUIET.toNanos()) {
            break; // stuck or too slow: measured on what came out
          }
          if (liveFps != null && liveDone && !events.isEmpty() && quiet > Duration.ofSeconds(4).toNanos()) {
            complete = true;
            break;
          }
        }
        state = stateBytesPerCamera(flink, id, load);
        profile = liveFps == null ? "" : timeProfile(flink, id);
      } finally {
        if (pool != null) {
          pool.shutdownNow();
          pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        flink.cancel(id, Duration.ofSeconds(30));
      }
      return new Result(events, framesPerSecond(events, load), state, complete, liveStartMs, profile);
    }
  }

  /** Frames processed between the first and the last event: each later event moved its camera one stride on. */
  private static double framesPerSecond(List<ActionEvent> events, Workload load) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (ActionEvent e : events) {
      long emitted = BenchEvents.emittedMs(e);
      first = Math.min(first, emitted);
      last = Math.max(last, emitted);
    }
    long between = (long) Math.max(0, events.size() - load.cameras()) * load.stride();
    return events.size() < 2 || last <= first ? 0 : between / ((last - first) / 1000.0);
  }

  /** The last completed checkpoint's state size minus the broadcast model (one copy per subtask), per camera. */
  private double stateBytesPerCamera(LocalFlink flink, JobID job, Workload load) {
    try {
      JsonNode latest = new JobRest(flink, job).checkpoints().path("latest").path("completed");
      long total = latest.path("state_size").asLong(0);
      // rough: the model's bytes in the broadcast state
      long modelCopies = (long) parallelism * SyntheticModels.random("x", 1, load.clip()).length;
      return Math.max(0, total - modelCopies) / (double) load.cameras();
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * The job's own account of a run, from its REST API: batch size and backbone time per batch
   * (the last 1,024 batches of each subtask; p99 is the worse subtask's) and the checkpoints'
   * end-to-end durations; "n/a" for what the API did not give.
   */
  private static String timeProfile(LocalFlink flink, JobID job) {
    try {
      JobRest rest = new JobRest(flink, job);
      Map<String, JsonNode> metrics = rest.subtaskMetrics("backbone",
          "batch.batchSize_mean,backbone.backboneMs_median,backbone.backboneMs_p99");
      JsonNode e2e = rest.checkpoints().path("summary").path("end_to_end_duration");
      return String.format(Locale.ROOT, "batches of %s frames on average, backbone %s ms p50 / %s ms p99 a batch; "
          + "checkpoints %s ms average / %s ms p99 / %s ms max end to end",
          stat(metrics.get("batch.batchSize_mean"), "avg", "%.1f"),
          stat(metrics.get("backbone.backboneMs_median"), "avg", "%.0f"),
          stat(metrics.get("backbone.backboneMs_p99"), "max", "%.0f"), stat(e2e, "avg", "%.0f"),
          stat(e2e, "p99", "%.0f"), stat(e2e, "max", "%.0f"));
    } catch (Exception e) {
      return "n/a (" + e.getMessage() + ")";
    }
  }
}
