package io.vibstream.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.flink.job.ActionRecognitionJob;
import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.local.JobRest;
import io.vibstream.local.LocalFlink;
import io.vibstream.model.signing.TrustedKeys;
import io.vibstream.schemas.ActionEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * One run of the pose-mode job on a local cluster (parallelism {@code parallelism}, exactly-once
 * Kafka sink, 1 s checkpoints, aligned or not, the model on {@link KafkaWiring#MODELS}, signed by a
 * trusted key) fed by replayed cameras
 * that publish JPEG frames of a real scene through {@link CameraPublisher}: each camera starts at
 * its own place in the scene ({@link PoseStageBench#frameOf}). The cameras start once every task
 * of the job runs.
 */
public final class PoseJobRun {
  /** The job's settings; {@code unaligned}: unaligned checkpoints (barriers overtake queued frames). */
  public record Settings(String poseSpec, int parallelism, int maxBatch, long maxBatchWaitMs, boolean unaligned) {}

  /**
   * What the job emitted and its own account (REST metrics at the end of the run): pose ms per
   * batch (median of the last batches, averaged over subtasks), persons per frame (all frames,
   * the cameras' background-learning frames included), frames per batch.
   */
  public record Outcome(List<ActionEvent> events, long camerasStartMs, double poseMsMedian, double personsPerFrame,
      double framesPerBatch) {}

  private final EmbeddedKafka kafka;
  private final Settings settings;
  private final List<VideoFrame> scene;
  private final String[] cameraIds;
  private final TrustedKeys trust;

  public PoseJobRun(EmbeddedKafka kafka, Settings settings, List<VideoFrame> scene, String[] cameraIds,
      TrustedKeys trust) {
    this.kafka = kafka;
    this.settings = settings;
    this.scene = scene;
    this.cameraIds = cameraIds;
    this.trust = trust;
  }

  /** Each camera's source at {@code fps}, its first {@code prime} frames at {@code primeFps}. */
  private ReplaySource camera(int c, double fps, int prime, double primeFps) {
    return new ReplaySource(scene, fps, c * scene.size() / cameraIds.length, prime, primeFps);
  }

  /**
   * Publishes {@code framesPerCamera} frames of every camera into a fresh topic as fast as the
   * cameras encode them, then runs the job over them until no event came for {@code quiet}.
   */
  public Outcome preloaded(String name, int framesPerCamera, Duration quiet, Duration limit) throws Exception {
    String frames = topics(name);
    publish(frames, framesPerCamera, c -> camera(c, 1000, 0, 1000)).forEach(PoseJobRun::join);
    return run(frames, name, null, quiet, limit);
  }

  /**
   * Starts the job, then realtime cameras: {@code prime} frames each at 10 fps (the scene's rate),
   * then {@code fps} a camera for {@code seconds}; collects events until {@code quiet} after the
   * cameras stopped.
   */
  public Outcome live(String name, double fps, int prime, double seconds, Duration quiet) throws Exception {
    String frames = topics(name);
    long n = prime + Math.round(fps * seconds);
    Camerawork work = () -> publish(frames, n, c -> camera(c, fps, prime, 10));
    return run(frames, name, work, quiet, Duration.ofSeconds((long) seconds + 120));
  }

  private String topics(String name) {
    kafka.createTopic("frames-" + name, settings.parallelism(), false);
    kafka.createTopic("events-" + name, settings.parallelism(), false);
    return "frames-" + name;
  }

  /** Starts the cameras once the job runs. */
  private interface Camerawork {
    List<Future<CameraPublisher.Stats>> start() throws Exception;
  }

  private ExecutorService cameraPool;

  private List<Future<CameraPublisher.Stats>> publish(String topic, long frames, IntFunction<ReplaySource> sources) {
    cameraPool = Executors.newFixedThreadPool(cameraIds.length);
    List<Future<CameraPublisher.Stats>> out = new ArrayList<>();
    for (int c = 0; c < cameraIds.length; c++) {
      String id = cameraIds[c];
      ReplaySource source = sources.apply(c);
      out.add(cameraPool.submit(() -> {
        try (CameraPublisher p = CameraPublisher.create(kafka.bootstrapServers(), topic, id)) {
          return p.run(source, frames);
        }
      }));
    }
    cameraPool.shutdown();
    return out;
  }

  private static void join(Future<?> f) {
    try {
      f.get();
    } catch (Exception e) {
      throw new IllegalStateException("camera failed: " + e.getMessage(), e);
    }
  }

  private Outcome run(String framesTopic, String name, Camerawork work, Duration quiet, Duration limit)
      throws Exception {
    String eventsTopic = "events-" + name;
    Configuration flinkConfig = new Configuration();
    flinkConfig.set(CheckpointingOptions.ENABLE_UNALIGNED, settings.unaligned());
    try (LocalFlink flink = LocalFlink.start(settings.parallelism(), flinkConfig)) {
      StreamExecutionEnvironment env = flink.environment();
      env.enableCheckpointing(1000, CheckpointingMode.EXACTLY_ONCE);
      ActionRecognitionJob.Settings config = ActionRecognitionJob.Settings.defaults(settings.poseSpec())
          .withParallelism(settings.parallelism())
          .withBatching(settings.maxBatch(), settings.maxBatchWaitMs())
          .withStride(0)
          .withWatermarks(Duration.ofMillis(200), Duration.ofSeconds(1));
      String group = "bench-" + UUID.randomUUID();
      KafkaWiring.of(kafka.bootstrapServers()).withTopics(framesTopic, Topic.MODELS.topicName(), eventsTopic,
          Topic.FRAMES_DEAD_LETTER.topicName()).withIds(group, group).job(config).trustedKeys(trust).build(env);
      JobID id = flink.submit(env, "bench-people-" + name);
      JobRest rest = new JobRest(flink, id);
      List<ActionEvent> events = new ArrayList<>();
      long camerasStart = System.currentTimeMillis();
      List<Future<CameraPublisher.Stats>> cameras = List.of();
      try (KafkaConsumer<String, ActionEvent> consumer = BenchEvents.committedReader(kafka.bootstrapServers(),
          eventsTopic)) {
        if (work != null) {
          awaitRunning(flink, id, rest);
          camerasStart = System.currentTimeMillis();
          cameras = work.start();
        }
        long deadline = System.nanoTime() + limit.toNanos();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
          for (ConsumerRecord<String, ActionEvent> r : consumer.poll(Duration.ofMillis(200))) {
            events.add(r.value());
            quietSince = System.nanoTime();
          }
          boolean camerasDone = cameras.stream().allMatch(Future::isDone);
          if (camerasDone && !events.isEmpty() && System.nanoTime() - quietSince > quiet.toNanos()) {
            break;
          }
        }
        cameras.forEach(PoseJobRun::join);
        Map<String, JsonNode> m = settledMetrics(rest);
        double persons = JobRest.value(m.get("pose.persons"), "sum");
        double frames = JobRest.value(m.get("pose.numRecordsOut"), "sum");
        return new Outcome(events, camerasStart, JobRest.value(m.get("pose.poseMs_median"), "avg"),
            persons / frames, JobRest.value(m.get("batch.batchSize_mean"), "avg"));
      } finally {
        if (cameraPool != null) {
          cameraPool.shutdownNow();
          cameraPool.awaitTermination(10, TimeUnit.SECONDS);
        }
        flink.cancel(id, Duration.ofSeconds(30));
      }
    }
  }

  /**
   * The pose and batch metrics, asked again (at most 15 s) until each has a value: the web
   * monitor refreshes its metric cache every few seconds, so right after a short step a metric can
   * still be missing.
   */
  private static Map<String, JsonNode> settledMetrics(JobRest rest) throws Exception {
    String names = "pose.poseMs_median,pose.persons,pose.numRecordsOut,batch.batchSize_mean";
    Map<String, JsonNode> m = rest.subtaskMetrics("pose", names);
    for (int i = 0; i < 15 && !settled(m); i++) {
      Thread.sleep(1000);
      m = rest.subtaskMetrics("pose", names);
    }
    return m;
  }

  private static boolean settled(Map<String, JsonNode> m) {
    return !Double.isNaN(JobRest.value(m.get("pose.poseMs_median"), "avg"))
        && !Double.isNaN(JobRest.value(m.get("pose.persons"), "sum"))
        && !Double.isNaN(JobRest.value(m.get("batch.batchSize_mean"), "avg"));
  }

  /** Waits (at most 60 s) until the job and all its tasks run: estimators loaded, sources reading. */
  private static void awaitRunning(LocalFlink flink, JobID id, JobRest rest) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline && !(flink.status(id) == JobStatus.RUNNING && rest.allTasksRunning())) {
      Thread.sleep(200);
    }
  }

  /**
   * Frames per second the job got through between {@code fromMs} and {@code toMs} (emission
   * times): per camera, the newest frame that an event emitted by {@code toMs} covers minus the
   * newest one by {@code fromMs} (or, without one, the first covered after it), summed.
   */
  public static double framesPerSecond(List<ActionEvent> events, long fromMs, long toMs) {
    Map<String, long[]> cameras = new HashMap<>(); // before, firstAfter, last
    for (ActionEvent e : events) {
      long at = BenchEvents.emittedMs(e);
      long seq = e.getLastSequenceNumber();
      long[] c = cameras.computeIfAbsent(e.getCameraId(), k -> new long[] {-1, Long.MAX_VALUE, -1});
      if (at <= fromMs) {
        c[0] = Math.max(c[0], seq);
      } else if (at <= toMs) {
        c[1] = Math.min(c[1], seq);
      }
      if (at <= toMs) {
        c[2] = Math.max(c[2], seq);
      }
    }
    long frames = 0;
    for (long[] c : cameras.values()) {
      long base = c[0] >= 0 ? c[0] : c[1];
      frames += c[2] >= 0 && base != Long.MAX_VALUE ? Math.max(0, c[2] - base) : 0;
    }
    return toMs <= fromMs ? 0 : frames / ((toMs - fromMs) / 1000.0);
  }
}
