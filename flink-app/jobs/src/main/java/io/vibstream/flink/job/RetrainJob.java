package io.vibstream.flink.job;

import io.vibstream.flink.functions.Retrainer;
import io.vibstream.flink.records.ClipDeadLetter;
import io.vibstream.flink.records.ClipInput;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.model.signing.TrustedKeys;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.RetrainStatus;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The retraining side job, beside the inference job and independent of where clips, models and
 * decisions live (see {@link RetrainKafkaWiring} for Kafka; tests wire their own):
 *
 * <pre>
 * labeled clips --keyBy(one key)--\
 *                                   Retrainer (window, triggers, background training, decision)
 * model releases --keyBy(one key)--/     -> retrain statuses
 *                                        -> releases of published candidates (side output)
 *                                        -> clips it cannot use, with their origin (side output)
 * </pre>
 *
 * Processing time only; parallelism 1 (one window, one current model). Operator uids:
 * {@code training-clips}, {@code models}, {@code retrain}, {@code releases-sink}, {@code status-sink},
 * {@code dead-clips-sink}.
 * Checkpointing is left to the caller.
 */
public final class RetrainJob {
  private final Source<ClipInput, ?, ?> clips;
  private final Source<ModelRelease, ?, ?> models;
  private final Sink<ModelRelease> releases;
  private final Sink<RetrainStatus> statuses;
  private final Sink<ClipDeadLetter> deadClips;
  private final Retrainer.Settings settings;
  private ReleaseSigner signer;
  private TrustedKeys trust = TrustedKeys.none();

  /**
   * A job reading and writing the given sources and sinks; {@code deadClips} receives every clip
   * (or record of the clips input) the retrainer cannot use.
   */
  public RetrainJob(Source<ClipInput, ?, ?> clips, Source<ModelRelease, ?, ?> models, Sink<ModelRelease> releases,
      Sink<RetrainStatus> statuses, Sink<ClipDeadLetter> deadClips, Retrainer.Settings settings) {
    this.clips = Objects.requireNonNull(clips, "clips");
    this.models = Objects.requireNonNull(models, "models");
    this.releases = Objects.requireNonNull(releases, "releases");
    this.statuses = Objects.requireNonNull(statuses, "statuses");
    this.deadClips = Objects.requireNonNull(deadClips, "deadClips");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** Signs the releases of published candidates with {@code releaseSigner}, or not if null (default); returns this. */
  public RetrainJob signer(ReleaseSigner releaseSigner) {
    this.signer = releaseSigner;
    return this;
  }

  /**
   * Takes as parents only releases signed by one of {@code keys} or by the job's own signer
   * (default none: any valid release); returns this.
   */
  public RetrainJob trustedKeys(TrustedKeys keys) {
    this.trust = Objects.requireNonNull(keys, "keys");
    return this;
  }

  /** Adds the topology to {@code env} with parallelism 1; returns the statuses. */
  public DataStream<RetrainStatus> build(StreamExecutionEnvironment env) {
    DataStream<ClipInput> clipStream = env
        .fromSource(clips, WatermarkStrategy.noWatermarks(), "training-clips", TypeInformation.of(ClipInput.class))
        .setParallelism(1).uid("training-clips");
    DataStream<ModelRelease> modelStream = env
        .fromSource(models, WatermarkStrategy.noWatermarks(), "models", new AvroTypeInfo<>(ModelRelease.class))
        .setParallelism(1).uid("models");
    SingleOutputStreamOperator<RetrainStatus> decided = clipStream
        .keyBy(clip -> Retrainer.KEY, Types.STRING)
        .connect(modelStream.keyBy(release -> Retrainer.KEY, Types.STRING))
        .process(new Retrainer(settings, signer, trust), new AvroTypeInfo<>(RetrainStatus.class))
        .setParallelism(1).name("retrain").uid("retrain");
    decided.getSideOutput(Retrainer.RELEASES).sinkTo(releases).setParallelism(1).name("releases-sink")
        .uid("releases-sink");
    decided.getSideOutput(Retrainer.DEAD_CLIPS).sinkTo(deadClips).setParallelism(1).name("dead-clips-sink")
        .uid("dead-clips-sink");
    decided.sinkTo(statuses).setParallelism(1).name("status-sink").uid("status-sink");
    return decided;
  }
}
