package io.vibstream.flink.job;

import io.vibstream.connectors.kafka.KafkaClientConfig;
import io.vibstream.flink.functions.ActionRecognizer;
import io.vibstream.flink.functions.BackboneFactory;
import io.vibstream.flink.functions.BackboneOperator;
import io.vibstream.flink.functions.DecodeFunction;
import io.vibstream.flink.functions.FrameAdmission;
import io.vibstream.flink.functions.FrameBatcher;
import io.vibstream.flink.functions.PersonTracking;
import io.vibstream.flink.functions.PoseEstimatorFactory;
import io.vibstream.flink.functions.PoseOperator;
import io.vibstream.flink.functions.SequenceCheck;
import io.vibstream.flink.records.DeadLetter;
import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.flink.records.FeatureFrame;
import io.vibstream.flink.records.FrameBatch;
import io.vibstream.flink.records.FrameInput;
import io.vibstream.flink.records.FrameLimits;
import io.vibstream.flink.records.PersonDetections;
import io.vibstream.model.backbone.BackboneIdentity;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.model.pose.PersonTracker;
import io.vibstream.model.signing.TrustedKeys;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.ModelStatus;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The action recognition topology, independent of where frames, models and events live (see
 * {@link KafkaWiring} for Kafka; tests wire their own sources and sinks):
 *
 * <pre>
 * frames (event time = captureTimestamp of admitted frames, bounded out-of-orderness, idleness)
 *   -> admit (not a frame, too large, unknown camera, bad dimensions or timestamp -> dead letters)
 *   -> keyBy(cameraId) -> sequence (repeated sequence numbers, far out of order -> dead letters)
 *   -> decode (corrupt -> dead letters) -> batch (maxBatch / maxWait) -> backbone (one extract per batch)
 *   -> keyBy(cameraId) -> ActionRecognizer (broadcast: model releases) -> events
 *                                                                     -> model status (side output)
 * </pre>
 *
 * Every bad input ends as a {@link DeadLetter} (with its origin: the Kafka record's bytes, topic,
 * partition and offset) and a {@code framesDropped} counter of its reason, never as a failure.
 *
 * Pose mode (a backbone spec {@code pose:lite} / {@code pose:full}, or {@link #poseEstimator}):
 * recognition per person, with the models trained on {@link PersonFeatures} (id
 * {@code person-skeleton-v2}, 53 dimensions):
 *
 * <pre>
 * frames -> decode -> batch -> PoseOperator (one estimate per batch: every camera's people at once)
 *   -> keyBy(cameraId) -> PersonTracking (a PersonTracker per camera: per-person features, track ends)
 *   -> keyBy(camera/track) -> ActionRecognizer per person (window per track, freed when it ends) -> events
 * </pre>
 *
 * Operator uids: {@code frames}, {@code models}, {@code admit}, {@code sequence}, {@code decode},
 * {@code batch}, {@code backbone}
 * (pose mode: {@code pose}, {@code track}), {@code recognize}, {@code events-sink},
 * {@code dead-letter-sink}, {@code model-status-sink}.
 */
public final class ActionRecognitionJob {
  private static final Logger LOG = LoggerFactory.getLogger(ActionRecognitionJob.class);
  /** Backbone specs with this prefix select pose mode: {@code pose:lite}, {@code pose:full}. */
  public static final String POSE_PREFIX = "pose:";

  /**
   * Job settings.
   *
   * @param backboneSpec {@link io.vibstream.model.backbone.FeatureExtractors#open} spec, e.g. {@code builtin:/models/cnn.bin},
   *     or {@code pose:lite} / {@code pose:full} for pose mode
   * @param maxBatchSize frames per backbone call, >= 1
   * @param maxBatchWaitMs longest a frame waits for its batch, >= 0
   * @param outOfOrderness bound of the frames' watermark
   * @param idleness a frames split without data this long stops holding the watermark back
   * @param maxSequenceGap missing frames tolerated before a camera's window resets, >= 0
   * @param maxTimeGap capture-time gap tolerated before a camera's window resets
   * @param strideFrames frames between events per camera, or 0 for clipLength / 4
   * @param topK labels in each event's top-k
   * @param parallelism job parallelism, or 0 for the environment's
   * @param flushIntervalMs longest a feature frame waits in a network buffer on its way to its
   *     camera's recognizer (Flink's buffer timeout of that exchange; Flink's default, 100 ms, was
   *     most of the frame-to-event latency at these record rates), >= 0, 0 = after every record;
   *     also the buffer timeout of the frames' keyed exchange into the sequence check
   * @param unsureBelow events below this confidence are marked unsure, in [0, 1]
   * @param limits what the frames input admits (size limit, camera allow-list, clock skew)
   */
  public record Settings(String backboneSpec, int maxBatchSize, long maxBatchWaitMs, Duration outOfOrderness,
      Duration idleness, long maxSequenceGap, Duration maxTimeGap, int strideFrames, int topK, int parallelism,
      long flushIntervalMs, float unsureBelow, FrameLimits limits) {
    public Settings {
      Objects.requireNonNull(limits, "limits");
      Objects.requireNonNull(outOfOrderness, "outOfOrderness");
      Objects.requireNonNull(idleness, "idleness");
      Objects.requireNonNull(maxTimeGap, "maxTimeGap");
      if (maxBatchSize < 1 || maxBatchWaitMs < 0 || maxSequenceGap < 0 || strideFrames < 0 || topK < 1
          || parallelism < 0 || flushIntervalMs < 0 || outOfOrderness.isNegative() || idleness.isNegative()
          || maxTimeGap.toMillis() < 1 || !(unsureBelow >= 0 && unsureBelow <= 1)) {
        throw new IllegalArgumentException("invalid job config: maxBatchSize=" + maxBatchSize + ", maxBatchWaitMs="
            + maxBatchWaitMs + ", outOfOrderness=" + outOfOrderness + ", idleness=" + idleness + ", maxSequenceGap="
            + maxSequenceGap + ", maxTimeGap=" + maxTimeGap + ", strideFrames=" + strideFrames + ", topK=" + topK
            + ", parallelism=" + parallelism + ", flushIntervalMs=" + flushIntervalMs + ", unsureBelow=" + unsureBelow);
      }
    }

    /**
     * Defaults: batches of 16 or 20 ms, 200 ms out-of-orderness, 5 s idleness, a window reset after
     * more than 2 missing frames or 2 s without frames, stride clipLength / 4, top-3, the
     * environment's parallelism, feature frames flushed to the recognizers within 5 ms, events
     * unsure below confidence 0.5, {@link FrameLimits#defaults()} (no size limit, every camera). A
     * spec {@code pose:...} selects pose mode (see the class doc).
     */
    public static Settings defaults(String backboneSpec) {
      return new Settings(backboneSpec, 16, 20, Duration.ofMillis(200), Duration.ofSeconds(5), 2, Duration.ofSeconds(2),
          0, 3, 0, 5, ActionRecognizer.DEFAULT_UNSURE_BELOW, FrameLimits.defaults());
    }

    /** Frames above {@code bytes} are dead-lettered ({@code too_large}); 0 = no limit. */
    public Settings withMaxFrameBytes(long bytes) {
      return withLimits(limits.withMaxFrameBytes(bytes));
    }

    /** Only these cameras are admitted, others are dead-lettered ({@code unknown_camera}); empty = every camera. */
    public Settings withAllowedCameras(Set<String> cameras) {
      return withLimits(limits.withAllowedCameras(cameras));
    }

    public Settings withLimits(FrameLimits frameLimits) {
      return new Settings(backboneSpec, maxBatchSize, maxBatchWaitMs, outOfOrderness, idleness, maxSequenceGap,
          maxTimeGap, strideFrames, topK, parallelism, flushIntervalMs, unsureBelow, frameLimits);
    }

    public Settings withBatching(int size, long waitMs) {
      return new Settings(backboneSpec, size, waitMs, outOfOrderness, idleness, maxSequenceGap, maxTimeGap,
          strideFrames, topK, parallelism, flushIntervalMs, unsureBelow, limits);
    }

    public Settings withWatermarks(Duration bound, Duration idle) {
      return new Settings(backboneSpec, maxBatchSize, maxBatchWaitMs, bound, idle, maxSequenceGap, maxTimeGap,
          strideFrames, topK, parallelism, flushIntervalMs, unsureBelow, limits);
    }

    public Settings withGapLimits(long frames, Duration time) {
      return new Settings(backboneSpec, maxBatchSize, maxBatchWaitMs, outOfOrderness, idleness, frames, time,
          strideFrames, topK, parallelism, flushIntervalMs, unsureBelow, limits);
    }

    public Settings withStride(int frames) {
      return new Settings(backboneSpec, maxBatchSize, maxBatchWaitMs, outOfOrderness, idleness, maxSequenceGap,
          maxTimeGap, frames, topK, parallelism, flushIntervalMs, unsureBelow, limits);
    }

    public Settings withParallelism(int p) {
      return new Settings(backboneSpec, maxBatchSize, maxBatchWaitMs, outOfOrderness, idleness, maxSequenceGap,
          maxTimeGap, strideFrames, topK, p, flushIntervalMs, unsureBelow, limits);
    }

    public Settings withFlushInterval(long ms) {
      return new Settings(backboneSpec, maxBatchSize, maxBatchWaitMs, outOfOrderness, idleness, maxSequenceGap,
          maxTimeGap, strideFrames, topK, parallelism, ms, unsureBelow, limits);
    }

    public Settings withUnsureBelow(float confidence) {
      return new Settings(backboneSpec, maxBatchSize, maxBatchWaitMs, outOfOrderness, idleness, maxSequenceGap,
          maxTimeGap, strideFrames, topK, parallelism, flushIntervalMs, confidence, limits);
    }

    /** Whether the spec selects pose mode: per-person recognition ({@code pose:lite}, {@code pose:full}). */
    public boolean poseMode() {
      return backboneSpec != null && backboneSpec.startsWith(POSE_PREFIX);
    }
  }

  /**
   * The streams of a built job, each already written to its sink except {@code features}: what the
   * recognizer reads (per camera, or per tracked person in pose mode), for tests and diagnostics.
   */
  public record Topology(DataStream<ActionEvent> events, DataStream<DeadLetter> deadLetters,
      DataStream<ModelStatus> modelStatus, DataStream<FeatureFrame> features) {}

  private final Source<Frame, ?, ?> frames;
  private final Source<FrameInput, ?, ?> records;
  private final Source<ModelRelease, ?, ?> models;
  private final Sink<ActionEvent> events;
  private final Sink<DeadLetter> deadLetters;
  private final Sink<ModelStatus> modelStatus;
  private final Settings config;
  private BackboneFactory backbone;
  private PoseEstimatorFactory pose;
  private PersonTracker.Settings tracking = PersonTracker.Settings.defaults();
  private TrustedKeys trust = TrustedKeys.none();

  /**
   * A job reading and writing the given sources and sinks, with the backbone of
   * {@code config.backboneSpec}; {@code modelStatus} receives every subtask's decision on every
   * model release. The frames have no origin (their dead letters carry the frame only); see
   * {@link #ofRecords} for records read from Kafka.
   */
  public ActionRecognitionJob(Source<Frame, ?, ?> frames, Source<ModelRelease, ?, ?> models, Sink<ActionEvent> events,
      Sink<DeadLetter> deadLetters, Sink<ModelStatus> modelStatus, Settings config) {
    this(Objects.requireNonNull(frames, "frames"), null, models, events, deadLetters, modelStatus, config);
  }

  /**
   * A job whose frames input is {@code records}: frames with their origin, or records that were not
   * frames (see {@link KafkaWiring}); otherwise as the constructor.
   */
  public static ActionRecognitionJob ofRecords(Source<FrameInput, ?, ?> records, Source<ModelRelease, ?, ?> models,
      Sink<ActionEvent> events, Sink<DeadLetter> deadLetters, Sink<ModelStatus> modelStatus, Settings config) {
    return new ActionRecognitionJob(null, Objects.requireNonNull(records, "records"), models, events, deadLetters,
        modelStatus, config);
  }

  private ActionRecognitionJob(Source<Frame, ?, ?> frames, Source<FrameInput, ?, ?> records,
      Source<ModelRelease, ?, ?> models, Sink<ActionEvent> events, Sink<DeadLetter> deadLetters,
      Sink<ModelStatus> modelStatus, Settings config) {
    this.frames = frames;
    this.records = records;
    this.models = Objects.requireNonNull(models, "models");
    this.events = Objects.requireNonNull(events, "events");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.modelStatus = Objects.requireNonNull(modelStatus, "modelStatus");
    this.config = Objects.requireNonNull(config, "config");
    if (config.poseMode()) {
      this.pose = PoseEstimatorFactory.spec(config.backboneSpec());
    } else if (config.backboneSpec() != null) {
      this.backbone = BackboneFactory.spec(config.backboneSpec());
    }
  }

  /**
   * Pose mode with {@code factory}'s estimator (e.g. a {@link io.vibstream.model.pose.BlazePoseEstimator}
   * with other options) instead of the config's backbone; returns this.
   */
  public ActionRecognitionJob poseEstimator(PoseEstimatorFactory factory) {
    this.pose = Objects.requireNonNull(factory, "factory");
    this.backbone = null;
    return this;
  }

  /** Pose mode's tracker settings (default {@link PersonTracker.Settings#defaults()}); returns this. */
  public ActionRecognitionJob tracking(PersonTracker.Settings settings) {
    this.tracking = Objects.requireNonNull(settings, "settings");
    return this;
  }

  /**
   * Accepts only model releases signed by one of {@code keys} (default none: unsigned releases are
   * accepted, which is insecure, see {@code docs/signed-releases.md}); returns this.
   */
  public ActionRecognitionJob trustedKeys(TrustedKeys keys) {
    this.trust = Objects.requireNonNull(keys, "keys");
    return this;
  }

  /** Uses {@code factory} instead of the config's backbone spec (e.g. a test extractor); returns this. */
  public ActionRecognitionJob backbone(BackboneFactory factory) {
    this.backbone = Objects.requireNonNull(factory, "factory");
    this.pose = null;
    return this;
  }

  /**
   * Adds the topology to {@code env}. Opens the backbone once here to learn its id and
   * dimension (model releases are checked against them; every subtask's backbone must match); in
   * pose mode releases must have been trained on {@link PersonFeatures}. Logs a warning if no key
   * is trusted. Checkpointing is left to the caller.
   */
  public Topology build(StreamExecutionEnvironment env) {
    boolean poseMode = pose != null;
    if (!poseMode && backbone == null) {
      throw new IllegalStateException("no backbone: set Settings.backboneSpec or call backbone(factory)");
    }
    if (trust.isEmpty()) {
      LOG.warn("no trusted release keys: the job accepts unsigned model releases from anyone who can write to "
          + "the models topic (insecure; see docs/signed-releases.md)");
    } else {
      LOG.info("model releases are accepted only if signed by one of the {}", trust);
    }
    BackboneIdentity identity = poseMode ? new BackboneIdentity(PersonFeatures.ID, PersonFeatures.DIMENSION)
        : backbone.identity();
    if (config.parallelism() > 0) {
      env.setParallelism(config.parallelism());
    }
    FrameLimits limits = config.limits();
    TypeInformation<FrameInput> inputType = TypeInformation.of(FrameInput.class);
    DataStream<FrameInput> input = records != null
        ? env.fromSource(records, watermarks(limits, (FrameInput i) -> i), "frames", inputType).uid("frames")
        : env.fromSource(frames, watermarks(limits, FrameInput::of), "frames", new AvroTypeInfo<>(Frame.class))
            .uid("frames")
            .map(FrameInput::of, inputType).name("frame-input").uid("frame-input");

    // admit -> sequence is a keyed exchange: flushed like the features', not after Flink's 100 ms default
    SingleOutputStreamOperator<FrameInput> admitted = input
        .process(new FrameAdmission(limits), inputType).name("admit").uid("admit")
        .setBufferTimeout(config.flushIntervalMs());
    SingleOutputStreamOperator<FrameInput> sequenced = admitted
        .keyBy((KeySelector<FrameInput, String>) i -> i.frame().getCameraId(), Types.STRING)
        .process(new SequenceCheck(config.outOfOrderness().toMillis()), inputType).name("sequence").uid("sequence");
    SingleOutputStreamOperator<DecodedFrame> decoded = sequenced
        .process(new DecodeFunction(identity.dimension()), TypeInformation.of(DecodedFrame.class)).name("decode").uid("decode");
    DataStream<DeadLetter> dead = admitted.getSideOutput(DecodeFunction.DEAD_LETTERS)
        .union(sequenced.getSideOutput(DecodeFunction.DEAD_LETTERS), decoded.getSideOutput(DecodeFunction.DEAD_LETTERS));
    dead.sinkTo(deadLetters).name("dead-letter-sink").uid("dead-letter-sink");

    DataStream<FrameBatch> batches = decoded
        .transform("batch", TypeInformation.of(FrameBatch.class),
            new FrameBatcher(config.maxBatchSize(), config.maxBatchWaitMs()))
        .uid("batch");
    DataStream<FeatureFrame> features = poseMode
        ? batches
            .transform("pose", TypeInformation.of(PersonDetections.class), new PoseOperator(pose))
            .uid("pose")
            .setBufferTimeout(config.flushIntervalMs())
            .keyBy(PersonDetections::cameraId, Types.STRING)
            .process(new PersonTracking(tracking, config.maxTimeGap().toMillis()), TypeInformation.of(FeatureFrame.class))
            .name("track").uid("track")
            .setBufferTimeout(config.flushIntervalMs())
        : batches
            .transform("backbone", TypeInformation.of(FeatureFrame.class), new BackboneOperator(backbone, identity))
            .uid("backbone")
            .setBufferTimeout(config.flushIntervalMs());

    BroadcastStream<ModelRelease> modelStream = env
        .fromSource(models, new NeverHoldsBack<>(), "models", new AvroTypeInfo<>(ModelRelease.class))
        .setParallelism(1).uid("models")
        .broadcast(ActionRecognizer.MODEL_STATE);

    ActionRecognizer.Settings settings = new ActionRecognizer.Settings(identity, config.strideFrames(), config.topK(),
        config.maxSequenceGap(), config.maxTimeGap().toMillis(), poseMode, config.unsureBelow());
    KeySelector<FeatureFrame, String> key = poseMode ? FeatureFrame::key : FeatureFrame::cameraId;
    SingleOutputStreamOperator<ActionEvent> recognized = features
        .keyBy(key, Types.STRING)
        .connect(modelStream)
        .process(new ActionRecognizer(settings, trust), new AvroTypeInfo<>(ActionEvent.class))
        .name("recognize").uid("recognize");
    recognized.sinkTo(events).name("events-sink").uid("events-sink");
    DataStream<ModelStatus> status = recognized.getSideOutput(ActionRecognizer.MODEL_STATUS);
    status.sinkTo(modelStatus).name("model-status-sink").uid("model-status-sink");
    return new Topology(recognized, dead, status, features);
  }

  /**
   * The frames' watermarks: bounded out-of-orderness over the capture times of the frames
   * {@link FrameAdmission} admits (a refused frame, e.g. one from the far future, never moves event
   * time), with idleness.
   */
  private <T> WatermarkStrategy<T> watermarks(FrameLimits limits, SerializableFunction<T, FrameInput> asInput) {
    return WatermarkStrategy.<T>forBoundedOutOfOrderness(config.outOfOrderness())
        .withTimestampAssigner((TimestampAssignerSupplier<T>) context -> (TimestampAssigner<T>) (element, previous) ->
            FrameAdmission.eventTime(asInput.apply(element), limits, System.currentTimeMillis()))
        .withIdleness(config.idleness());
  }

  /** A function that travels with the job graph. */
  private interface SerializableFunction<T, R> extends java.io.Serializable {
    R apply(T t);
  }

  /**
   * Watermarks for the model-release stream: none, the stream is always idle, so the rarely-written
   * compacted topic never holds back the event time of the frames it is connected with. (It used to
   * emit Long.MAX_VALUE: then, once the frames had been idle for the idleness timeout, e.g. before the
   * first camera started, the recognizer's watermark jumped to the maximum and every later frame was
   * dropped as late.)
   */
  static final class NeverHoldsBack<T> implements WatermarkStrategy<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public WatermarkGenerator<T> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
      return new WatermarkGenerator<>() {
        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
          output.markIdle();
        }
      };
    }
  }

  /**
   * Runs the job on Kafka, with the options of {@code vibstream job} ({@link JobOptions}):
   * {@code --bootstrap} and {@code --backbone} (required), {@code --parallelism} (default: the
   * environment's), {@code --max-batch}, {@code --max-batch-wait-ms}, {@code --flush-interval-ms},
   * {@code --stride}, {@code --unsure-below}, {@code --max-frame-bytes} (0 = no limit),
   * {@code --allowed-cameras} (comma-separated, none = every camera), {@code --max-clock-skew}
   * (default 1m), {@code --checkpoint-interval-ms} (default 5000), {@code --unaligned-checkpoints},
   * {@code --group-id}, {@code --trusted-key} (public key files, comma-separated: only releases
   * signed by one of them are accepted; none = unsigned releases are accepted too, insecure),
   * {@code --kafka-config} (a properties file of TLS and SASL settings, {@link KafkaClientConfig};
   * read where this main runs, its values travel to the TaskManagers in the job graph, and the key
   * and trust stores it names must exist at the same paths on every TaskManager); and, for
   * deployments only, {@code --frames-topic}, {@code --models-topic}, {@code --events-topic},
   * {@code --dead-letter-topic}, {@code --model-status-topic} and {@code --transactional-id-prefix}
   * (default: the group id).
   */
  public static void main(String[] args) throws Exception {
    JobOptions options = JobOptions.parse(args);
    KafkaWiring kafka = options.wiring();
    Settings config = options.config();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(options.checkpointIntervalMs(), CheckpointingMode.EXACTLY_ONCE);
    env.getCheckpointConfig().enableUnalignedCheckpoints(options.unalignedCheckpoints());
    kafka.job(config).trustedKeys(options.trustedKeys()).build(env);
    env.execute("vibstream action recognition");
  }
}
