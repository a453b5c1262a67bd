package io.vibstream.connectors.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes the record schema's version byte ({@link SchemaHistory#versionOf}) followed by the
 * record in Avro binary encoding; see {@link AvroSerde}. Null stays null (a tombstone).
 * Thread-safe, as Kafka producers require. The no-argument constructor (for
 * {@code value.serializer}) uses the class-path history.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  private final SchemaHistory history;
  private final ConcurrentHashMap<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();

  /** With the committed schema versions on the class path. */
  public AvroSerializer() {
    this(SchemaHistory.classpath());
  }

  /** With an explicit schema history. */
  public AvroSerializer(SchemaHistory history) {
    this.history = Objects.requireNonNull(history, "history");
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    Schema schema = data.getSchema();
    try {
      int version = history.versionOf(schema);
      SpecificDatumWriter<T> writer = writers.computeIfAbsent(schema, SpecificDatumWriter::new);
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      out.write(version);
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(data, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot serialize " + schema.getName() + " for topic '" + topic + "': "
          + e.getMessage(), e);
    }
  }
}
