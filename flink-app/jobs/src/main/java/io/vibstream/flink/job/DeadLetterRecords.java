package io.vibstream.flink.job;

import static io.vibstream.flink.job.KafkaWiring.CODE_HEADER;
import static io.vibstream.flink.job.KafkaWiring.OFFSET_HEADER;
import static io.vibstream.flink.job.KafkaWiring.PARTITION_HEADER;
import static io.vibstream.flink.job.KafkaWiring.REASON_HEADER;
import static io.vibstream.flink.job.KafkaWiring.STAGE_HEADER;
import static io.vibstream.flink.job.KafkaWiring.TOPIC_HEADER;

import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.flink.records.RecordOrigin;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead letters of either job (frames, clips): the original record's key and value byte for byte,
 * or, for a record from elsewhere (no origin), the refused value's key and Avro value; the stage,
 * reason, code and origin in the headers of {@link KafkaWiring}. The Kafka timestamp is the time of
 * writing (the record's own may be what was wrong with it).
 */
final class DeadLetterRecords<D> implements KafkaRecordSerializationSchema<D> {
  private static final long serialVersionUID = 1L;
  private final String topic;
  private final Open<D> open;
  private transient AvroSerializer<SpecificRecord> serializer;

  /**
   * What a dead letter says: {@code key} and {@code value} are written only when there is no
   * {@code origin}.
   */
  record Letter(String stage, String reason, String code, RecordOrigin origin, String key, SpecificRecord value) {}

  /** The letter of a dead-letter record. */
  interface Open<D> extends Serializable {
    Letter of(D dead);
  }

  DeadLetterRecords(String topic, Open<D> open) {
    this.topic = topic;
    this.open = open;
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    serializer = new AvroSerializer<>();
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(D dead, KafkaSinkContext context, Long timestamp) {
    Letter letter = open.of(dead);
    RecordHeaders headers = headers(letter);
    RecordOrigin origin = letter.origin();
    if (origin == null) {
      byte[] key = letter.key() == null ? null : letter.key().getBytes(StandardCharsets.UTF_8);
      return new ProducerRecord<>(topic, null, null, key, serializer.serialize(topic, letter.value()), headers);
    }
    return new ProducerRecord<>(topic, null, null, origin.key(), origin.value(), headers);
  }

  /** Stage, reason, code and, when read from Kafka, the record's origin. */
  private static RecordHeaders headers(Letter letter) {
    RecordHeaders headers = new RecordHeaders();
    header(headers, STAGE_HEADER, letter.stage());
    header(headers, REASON_HEADER, letter.reason() == null ? "" : letter.reason());
    header(headers, CODE_HEADER, letter.code() == null ? "" : letter.code());
    RecordOrigin origin = letter.origin();
    if (origin != null) {
      header(headers, TOPIC_HEADER, origin.topic());
      header(headers, PARTITION_HEADER, Integer.toString(origin.partition()));
      header(headers, OFFSET_HEADER, Long.toString(origin.offset()));
    }
    return headers;
  }

  private static void header(RecordHeaders headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
