package io.vibstream.flink.job;

import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.UnknownSchemaVersionException;
import io.vibstream.flink.functions.JobMetrics;
import io.vibstream.flink.records.FrameInput;
import io.vibstream.flink.records.RecordOrigin;
import java.io.Serializable;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Every record of a topic as an input record with its origin (topic, partition, offset, key and
 * value bytes): the Avro value ({@link FrameInput#read}), or, when the value is none, not valid
 * Avro or of an unknown schema version, no value and why ({@link FrameInput#unreadable}), for
 * the job to dead-letter. Nothing is skipped.
 */
final class OriginRecords<T extends SpecificRecordBase, I> implements KafkaRecordDeserializationSchema<I> {
  private static final long serialVersionUID = 1L;
  private final Class<T> type;
  private final Class<I> inputType;
  private final Read<T, I> read;
  private final Unreadable<I> unreadable;
  private transient AvroDeserializer<T> deserializer;

  /** The input record of a value read from {@code origin}. */
  interface Read<T, I> extends Serializable {
    I of(T value, RecordOrigin origin);
  }

  /** The input record of a record of {@code origin} that holds no value of the type. */
  interface Unreadable<I> extends Serializable {
    I of(RecordOrigin origin, String code, String reason);
  }

  OriginRecords(Class<T> type, Class<I> inputType, Read<T, I> read, Unreadable<I> unreadable) {
    this.type = type;
    this.inputType = inputType;
    this.read = read;
    this.unreadable = unreadable;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    deserializer = new AvroDeserializer<>(type);
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<I> out) {
    RecordOrigin origin = new RecordOrigin(record.topic(), record.partition(), record.offset(), record.key(),
        record.value());
    if (record.value() == null) {
      out.collect(unreadable.of(origin, JobMetrics.NOT_AVRO, "no value (a tombstone)"));
      return;
    }
    try {
      out.collect(read.of(deserializer.deserialize(record.topic(), record.value()), origin));
    } catch (UnknownSchemaVersionException e) {
      out.collect(unreadable.of(origin, JobMetrics.UNKNOWN_SCHEMA_VERSION, e.getMessage()));
    } catch (SerializationException e) {
      out.collect(unreadable.of(origin, JobMetrics.NOT_AVRO, e.getMessage()));
    }
  }

  @Override
  public TypeInformation<I> getProducedType() {
    return TypeInformation.of(inputType);
  }
}
