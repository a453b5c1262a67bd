package io.vibstream.connectors.kafka;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads what {@link AvroSerializer} writes into records of one generated class. Null stays
 * null. A wrong format byte, truncated or corrupt Avro data or trailing bytes throw a
 * {@link SerializationException} that names the topic and the record type.
 *
 * <p>Built with the record class, or with the no-argument constructor and the class named in
 * {@value #VALUE_TYPE_CONFIG} (or {@value #KEY_TYPE_CONFIG} for keys) in the consumer config.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  /** Consumer config key: fully qualified generated class of the values. */
  public static final String VALUE_TYPE_CONFIG = "vibstream.avro.value.type";
  /** Consumer config key: fully qualified generated class of the keys. */
  public static final String KEY_TYPE_CONFIG = "vibstream.avro.key.type";

  private Class<T> type;
  private SpecificDatumReader<T> reader;

  /** For Kafka's config-driven construction; {@link #configure} must name the type. */
  public AvroDeserializer() {}

  /** A deserializer of records of {@code type}. */
  public AvroDeserializer(Class<T> type) {
    bind(Objects.requireNonNull(type, "type"));
  }

  @Override
  @SuppressWarnings("unchecked")
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (type != null) {
      return;
    }
    String key = isKey ? KEY_TYPE_CONFIG : VALUE_TYPE_CONFIG;
    Object name = configs.get(key);
    if (name == null) {
      throw new IllegalArgumentException("AvroDeserializer needs " + key + " (a generated Avro class)");
    }
    try {
      Class<?> c = name instanceof Class<?> k ? k : Class.forName(name.toString());
      if (!SpecificRecord.class.isAssignableFrom(c)) {
        throw new IllegalArgumentException(key + "=" + name + " is not an Avro SpecificRecord class");
      }
      bind((Class<T>) c);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(key + "=" + name + ": class not found", e);
    }
  }

  private void bind(Class<T> t) {
    this.type = t;
    this.reader = new SpecificDatumReader<>(t);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (reader == null) {
      throw new IllegalStateException("AvroDeserializer not configured with a record type");
    }
    if (data.length == 0) {
      throw error(topic, "empty value (expected format byte 0x01 and an Avro record)", null);
    }
    if (data[0] != AvroSerde.FORMAT_V1) {
      throw error(topic, String.format("unknown format byte 0x%02x (expected 0x%02x); not written by AvroSerializer?",
          data[0], AvroSerde.FORMAT_V1), null);
    }
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, 1, data.length - 1, null);
      T record = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw error(topic, "trailing bytes after the record (" + data.length + " bytes in all); wrong record type?", null);
      }
      return record;
    } catch (IOException | RuntimeException e) {
      if (e instanceof SerializationException s) {
        throw s;
      }
      throw error(topic, "corrupt or truncated Avro data (" + data.length + " bytes): " + e, e);
    }
  }

  private SerializationException error(String topic, String what, Throwable cause) {
    return new SerializationException("cannot deserialize " + type.getSimpleName() + " from topic '" + topic + "': "
        + what, cause);
  }
}
