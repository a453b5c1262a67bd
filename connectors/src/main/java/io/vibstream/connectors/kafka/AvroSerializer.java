package io.vibstream.connectors.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes {@link AvroSerde#FORMAT_V1} followed by the record in Avro binary encoding. Null
 * stays null (a tombstone). Thread-safe, as Kafka producers require. Has a no-argument
 * constructor, so it can be named in {@code value.serializer}.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  private final ConcurrentHashMap<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    Schema schema = data.getSchema();
    SpecificDatumWriter<T> writer = writers.computeIfAbsent(schema, SpecificDatumWriter::new);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(AvroSerde.FORMAT_V1);
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(data, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot serialize " + schema.getName() + " for topic '" + topic + "': "
          + e.getMessage(), e);
    }
    return out.toByteArray();
  }
}
