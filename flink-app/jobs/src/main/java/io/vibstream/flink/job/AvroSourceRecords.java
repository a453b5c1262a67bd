package io.vibstream.flink.job;

import io.vibstream.connectors.kafka.AvroDeserializer;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Values in the project's Avro wire format; undecodable records are logged, counted
 * ({@code undecodableRecords}) and skipped.
 */
final class AvroSourceRecords<T extends SpecificRecordBase> implements KafkaRecordDeserializationSchema<T> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(AvroSourceRecords.class);
  private final Class<T> type;
  private transient AvroDeserializer<T> deserializer;
  private transient Counter undecodable;

  AvroSourceRecords(Class<T> type) {
    this.type = type;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    deserializer = new AvroDeserializer<>(type);
    undecodable = context.getMetricGroup().counter("undecodableRecords");
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) {
    try {
      T value = deserializer.deserialize(record.topic(), record.value());
      if (value != null) {
        out.collect(value);
      }
    } catch (SerializationException e) {
      undecodable.inc();
      LOG.warn("skipping {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
    }
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return new AvroTypeInfo<>(type);
  }
}
