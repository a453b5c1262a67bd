package io.vibstream.flink.job;

import io.vibstream.connectors.kafka.KafkaClientConfig;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.flink.records.DeadLetter;
import io.vibstream.flink.records.FrameInput;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.ModelStatus;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Kafka sources and sinks of {@link ActionRecognitionJob}: Avro values in the project's wire
 * format ({@link AvroSinkRecords}), camera id keys, {@link ExactlyOnceSink}s (transactional ids
 * prefixed {@code PREFIX-events}, {@code PREFIX-dead-letters} and {@code PREFIX-model-status};
 * consumers must read with {@code isolation.level=read_committed}). Frames start at the group's
 * committed offsets (earliest when none); every record of the frames topic reaches the job with
 * its origin ({@link OriginRecords}): one whose value is not a {@link Frame} (not valid Avro, an
 * unknown schema version, no value) too, and is dead-lettered there. Model releases are read from
 * the earliest offset of the compacted topic, whatever their keys (the highest valid version
 * serves, see {@code ActionRecognizer}); a release that is not valid Avro is logged, counted
 * ({@code undecodableRecords}) and skipped ({@link AvroSourceRecords}).
 *
 * <p>Dead letters ({@link DeadLetterRecords}): the original record's key and value, byte for byte
 * (for a frame from elsewhere: the camera id and the Avro frame), with the headers
 * {@value #STAGE_HEADER}, {@value #REASON_HEADER} (one line), {@value #CODE_HEADER} (the
 * {@code framesDropped} reason) and, for a record read from Kafka, {@value #TOPIC_HEADER},
 * {@value #PARTITION_HEADER} and {@value #OFFSET_HEADER} (decimal), all UTF-8.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param framesTopic {@link Frame}s keyed by camera id
 * @param modelsTopic compacted topic of {@link ModelRelease}s
 * @param eventsTopic {@link ActionEvent}s out, keyed by camera id
 * @param deadLetterTopic records of the frames topic that failed: the original bytes with their
 *     reason and origin in headers
 * @param modelStatusTopic {@link ModelStatus} out, one per subtask and release, keyed {@code vVERSION}
 * @param groupId consumer group of the frames source ({@code GROUP-models} for the models)
 * @param transactionalIdPrefix prefix of the sinks' transactional ids, unique per job
 * @param client TLS and SASL settings of every source and sink ({@code --kafka-config}); they travel
 *     to the TaskManagers as strings in the sources' and sinks' properties, so the files they name
 *     (key and trust stores) must exist at the same paths there
 */
public record KafkaWiring(String bootstrapServers, String framesTopic, String modelsTopic, String eventsTopic,
    String deadLetterTopic, String modelStatusTopic, String groupId, String transactionalIdPrefix,
    KafkaClientConfig client) {
  /** Dead-letter header: the stage that refused the frame. */
  public static final String STAGE_HEADER = "vibstream.dead-letter.stage";
  /** Dead-letter header: why, in one line. */
  public static final String REASON_HEADER = "vibstream.dead-letter.reason";
  /** Dead-letter header: the reason's code, the label of its {@code framesDropped} counter. */
  public static final String CODE_HEADER = "vibstream.dead-letter.code";
  /** Dead-letter header: the topic the record was read from. */
  public static final String TOPIC_HEADER = "vibstream.dead-letter.topic";
  /** Dead-letter header: its partition. */
  public static final String PARTITION_HEADER = "vibstream.dead-letter.partition";
  /** Dead-letter header: its offset. */
  public static final String OFFSET_HEADER = "vibstream.dead-letter.offset";

  public KafkaWiring {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(framesTopic, "framesTopic");
    Objects.requireNonNull(modelsTopic, "modelsTopic");
    Objects.requireNonNull(eventsTopic, "eventsTopic");
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    Objects.requireNonNull(modelStatusTopic, "modelStatusTopic");
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
    Objects.requireNonNull(client, "client");
  }

  /** The default topics, group {@code vibstream-actions} and the same transactional id prefix, plaintext. */
  public static KafkaWiring of(String bootstrapServers) {
    return new KafkaWiring(bootstrapServers, Topic.FRAMES.topicName(), Topic.MODELS.topicName(),
        Topic.EVENTS.topicName(), Topic.FRAMES_DEAD_LETTER.topicName(), Topic.MODEL_STATUS.topicName(),
        "vibstream-actions", "vibstream-actions", KafkaClientConfig.NONE);
  }

  public KafkaWiring withTopics(String frames, String models, String events, String deadLetters) {
    return new KafkaWiring(bootstrapServers, frames, models, events, deadLetters, modelStatusTopic, groupId,
        transactionalIdPrefix, client);
  }

  public KafkaWiring withModelStatusTopic(String topic) {
    return new KafkaWiring(bootstrapServers, framesTopic, modelsTopic, eventsTopic, deadLetterTopic, topic, groupId,
        transactionalIdPrefix, client);
  }

  public KafkaWiring withIds(String group, String transactionalPrefix) {
    return new KafkaWiring(bootstrapServers, framesTopic, modelsTopic, eventsTopic, deadLetterTopic,
        modelStatusTopic, group, transactionalPrefix, client);
  }

  /** The same wiring with these TLS and SASL settings on every source and sink. */
  public KafkaWiring withClient(KafkaClientConfig settings) {
    return new KafkaWiring(bootstrapServers, framesTopic, modelsTopic, eventsTopic, deadLetterTopic,
        modelStatusTopic, groupId, transactionalIdPrefix, settings);
  }

  /** The job wired to these topics. */
  public ActionRecognitionJob job(ActionRecognitionJob.Settings config) {
    return ActionRecognitionJob.ofRecords(frameSource(), modelSource(), eventSink(), deadLetterSink(),
        modelStatusSink(), config);
  }

  public KafkaSource<FrameInput> frameSource() {
    return secured(KafkaSource.<FrameInput>builder(), client)
        .setBootstrapServers(bootstrapServers)
        .setTopics(framesTopic)
        .setGroupId(groupId)
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(new OriginRecords<>(Frame.class, FrameInput.class, FrameInput::read, FrameInput::unreadable))
        .build();
  }

  public KafkaSource<ModelRelease> modelSource() {
    return modelSource(bootstrapServers, client, modelsTopic, groupId + "-models");
  }

  /** The model releases of {@code topic} from its earliest offset (both jobs read the whole history). */
  static KafkaSource<ModelRelease> modelSource(String bootstrapServers, KafkaClientConfig client, String topic,
      String groupId) {
    return secured(KafkaSource.<ModelRelease>builder(), client)
        .setBootstrapServers(bootstrapServers)
        .setTopics(topic)
        .setGroupId(groupId)
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(new AvroSourceRecords<>(ModelRelease.class))
        .build();
  }

  public KafkaSink<ActionEvent> eventSink() {
    return sink(new AvroSinkRecords<>(eventsTopic, ActionEvent::getCameraId), "-events");
  }

  /** Dead letters keyed as the original record (a frame from elsewhere: by camera id). */
  public KafkaSink<DeadLetter> deadLetterSink() {
    return sink(new DeadLetterRecords<DeadLetter>(deadLetterTopic, d -> new DeadLetterRecords.Letter(d.stage(),
        d.reason(), d.code(), d.origin(), d.frame() == null ? null : d.frame().getCameraId(), d.frame())),
        "-dead-letters");
  }

  /** Model status keyed by the release's version key ({@code v000042}). */
  public KafkaSink<ModelStatus> modelStatusSink() {
    return sink(new AvroSinkRecords<>(modelStatusTopic, s -> Topic.versionKey(s.getVersion())), "-model-status");
  }

  private <T> KafkaSink<T> sink(KafkaRecordSerializationSchema<T> records, String suffix) {
    return ExactlyOnceSink.of(bootstrapServers, client, transactionalIdPrefix + suffix, records, 0);
  }

  /** {@code source} with {@code client}'s settings as Kafka properties. */
  static <T> KafkaSourceBuilder<T> secured(KafkaSourceBuilder<T> source, KafkaClientConfig client) {
    client.settings().forEach(source::setProperty);
    return source;
  }
}
