package io.vibstream.flink.job;

import io.vibstream.connectors.kafka.AvroSerializer;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Avro values in the project's wire format ({@link AvroSerializer}) to one topic, under the UTF-8
 * key that {@link KeyOf} gives (none when null), with the record's Flink timestamp.
 */
final class AvroSinkRecords<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
  private static final long serialVersionUID = 1L;
  private final String topic;
  private final KeyOf<T> key;
  private transient AvroSerializer<T> serializer;

  /** The key of a record, or null for none. */
  interface KeyOf<T> extends Serializable {
    String of(T value);
  }

  AvroSinkRecords(String topic, KeyOf<T> key) {
    this.topic = topic;
    this.key = key;
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    serializer = new AvroSerializer<>();
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(T value, KafkaSinkContext context, Long timestamp) {
    String k = key.of(value);
    return new ProducerRecord<>(topic, null, timestamp, k == null ? null : k.getBytes(StandardCharsets.UTF_8),
        serializer.serialize(topic, value));
  }
}
