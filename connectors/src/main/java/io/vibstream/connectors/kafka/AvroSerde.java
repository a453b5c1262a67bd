package io.vibstream.connectors.kafka;

import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Kafka serde for Avro specific records (the classes generated from {@code schemas}).
 *
 * <p>Wire format: one format byte {@link #FORMAT_V1}, then the record in Avro binary encoding
 * of the writer's compiled schema. No schema registry: readers use their compiled schema, and
 * schema changes must stay backward compatible (see schemas/README.md). A future wire format
 * gets a new format byte.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  /** Format byte of version 1: Avro binary, writer schema = the reader's compiled schema. */
  public static final byte FORMAT_V1 = 0x01;

  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  private AvroSerde(Class<T> type) {
    this.serializer = new AvroSerializer<>();
    this.deserializer = new AvroDeserializer<>(type);
  }

  /** A serde for records of the given generated class. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(Objects.requireNonNull(type, "type"));
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // Both halves are already bound to the type.
  }

  @Override
  public AvroSerializer<T> serializer() {
    return serializer;
  }

  @Override
  public AvroDeserializer<T> deserializer() {
    return deserializer;
  }
}
