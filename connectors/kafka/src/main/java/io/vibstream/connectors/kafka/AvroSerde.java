package io.vibstream.connectors.kafka;

import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Kafka serde for Avro specific records (the classes generated from {@code schemas}).
 *
 * <p>Wire format: one byte, the version of the writer's record schema in
 * {@link SchemaHistory} (1 for the first release; 0 is never written), then the record in
 * Avro binary encoding. No schema registry: the version byte names one of the committed schema
 * copies that travel in the schemas jar, and the reader resolves older data against its
 * compiled schema with Avro's schema resolution (what {@code SchemaCompatibilityTest} keeps
 * possible). Data from a newer writer than the reader knows is rejected with a clear error.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  private AvroSerde(Class<T> type, SchemaHistory history) {
    this.serializer = new AvroSerializer<>(history);
    this.deserializer = new AvroDeserializer<>(type, history);
  }

  /** A serde for records of the given generated class, versions from the class path. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return of(type, SchemaHistory.classpath());
  }

  /** A serde with an explicit schema history. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, SchemaHistory history) {
    return new AvroSerde<>(Objects.requireNonNull(type, "type"), Objects.requireNonNull(history, "history"));
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
