package io.vibstream.flink.job;

import io.vibstream.connectors.kafka.KafkaClientConfig;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.flink.functions.Retrainer;
import io.vibstream.flink.records.ClipDeadLetter;
import io.vibstream.flink.records.ClipInput;
import io.vibstream.schemas.LabeledClip;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.RetrainStatus;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * Kafka sources and sinks of {@link RetrainJob}, in the wire format and style of
 * {@link KafkaWiring}: clips and model releases are read from the earliest offset (the window is
 * rebuilt from the clips topic when the job starts without a checkpoint; every release counts
 * toward the next version), releases go to the compacted models topic under their version key
 * ({@link Topic#versionKey}, as {@code vibstream models publish} writes them, so compaction
 * keeps the history) and statuses to the status topic, both {@link ExactlyOnceSink}s of requests
 * up to 16 MiB (transactional ids {@code PREFIX-models} and {@code PREFIX-status}; read with
 * {@code isolation.level=read_committed}). Every record of the clips topic reaches the
 * retrainer with its origin; those it cannot use (not a clip, a label, length or backbone it
 * cannot use) go to the clips dead-letter topic as the original key and value with the headers
 * of {@link KafkaWiring}'s dead letters (EXACTLY_ONCE, transactional id {@code PREFIX-dead-clips}).
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param clipsTopic {@link LabeledClip}s
 * @param modelsTopic compacted topic of {@link ModelRelease}s, read and written
 * @param statusTopic {@link RetrainStatus}es out, unkeyed
 * @param deadClipsTopic clips the retrainer cannot use, the original bytes with their reason and origin in headers
 * @param groupId consumer group of the clips ({@code GROUP-models} for the models)
 * @param transactionalIdPrefix prefix of the sinks' transactional ids, unique per job
 * @param client TLS and SASL settings of every source and sink, as in {@link KafkaWiring}
 */
public record RetrainKafkaWiring(String bootstrapServers, String clipsTopic, String modelsTopic, String statusTopic,
    String deadClipsTopic, String groupId, String transactionalIdPrefix, KafkaClientConfig client) {
  private static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

  public RetrainKafkaWiring {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(clipsTopic, "clipsTopic");
    Objects.requireNonNull(modelsTopic, "modelsTopic");
    Objects.requireNonNull(statusTopic, "statusTopic");
    Objects.requireNonNull(deadClipsTopic, "deadClipsTopic");
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
    Objects.requireNonNull(client, "client");
  }

  /** The default topics, group {@code vibstream-retrain} and the same transactional id prefix, plaintext. */
  public static RetrainKafkaWiring of(String bootstrapServers) {
    return new RetrainKafkaWiring(bootstrapServers, Topic.TRAINING_CLIPS.topicName(), Topic.MODELS.topicName(),
        Topic.RETRAIN_STATUS.topicName(), Topic.TRAINING_CLIPS_DEAD_LETTER.topicName(), "vibstream-retrain",
        "vibstream-retrain", KafkaClientConfig.NONE);
  }

  public RetrainKafkaWiring withTopics(String clips, String models, String status) {
    return new RetrainKafkaWiring(bootstrapServers, clips, models, status, deadClipsTopic, groupId,
        transactionalIdPrefix, client);
  }

  public RetrainKafkaWiring withDeadClipsTopic(String topic) {
    return new RetrainKafkaWiring(bootstrapServers, clipsTopic, modelsTopic, statusTopic, topic, groupId,
        transactionalIdPrefix, client);
  }

  public RetrainKafkaWiring withIds(String group, String transactionalPrefix) {
    return new RetrainKafkaWiring(bootstrapServers, clipsTopic, modelsTopic, statusTopic, deadClipsTopic, group,
        transactionalPrefix, client);
  }

  /** The same wiring with these TLS and SASL settings on every source and sink. */
  public RetrainKafkaWiring withClient(KafkaClientConfig settings) {
    return new RetrainKafkaWiring(bootstrapServers, clipsTopic, modelsTopic, statusTopic, deadClipsTopic, groupId,
        transactionalIdPrefix, settings);
  }

  /** The job wired to these topics. */
  public RetrainJob job(Retrainer.Settings settings) {
    return new RetrainJob(clipSource(), modelSource(), releaseSink(), statusSink(), deadClipSink(), settings);
  }

  public KafkaSource<ClipInput> clipSource() {
    return KafkaWiring.secured(KafkaSource.<ClipInput>builder(), client)
        .setBootstrapServers(bootstrapServers)
        .setTopics(clipsTopic)
        .setGroupId(groupId)
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(new OriginRecords<>(LabeledClip.class, ClipInput.class, ClipInput::read,
            ClipInput::unreadable))
        .build();
  }

  public KafkaSource<ModelRelease> modelSource() {
    return KafkaWiring.modelSource(bootstrapServers, client, modelsTopic, groupId + "-models");
  }

  public KafkaSink<ModelRelease> releaseSink() {
    return sink(new AvroSinkRecords<>(modelsTopic, release -> Topic.versionKey(release.getVersion())), "-models");
  }

  public KafkaSink<RetrainStatus> statusSink() {
    return sink(new AvroSinkRecords<>(statusTopic, status -> null), "-status");
  }

  /** Dead clips keyed as the original record (a clip from elsewhere: unkeyed). */
  public KafkaSink<ClipDeadLetter> deadClipSink() {
    return sink(new DeadLetterRecords<ClipDeadLetter>(deadClipsTopic, d -> new DeadLetterRecords.Letter(d.stage(),
        d.reason(), d.code(), d.origin(), null, d.clip())), "-dead-clips");
  }

  private <T> KafkaSink<T> sink(KafkaRecordSerializationSchema<T> records, String suffix) {
    return ExactlyOnceSink.of(bootstrapServers, client, transactionalIdPrefix + suffix, records, MAX_REQUEST_BYTES);
  }
}
