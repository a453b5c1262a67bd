package io.vibstream.connectors.kafka;

import io.vibstream.model.io.OneLine;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads what {@link AvroSerializer} writes into records of one generated class: data written
 * with the compiled schema's version directly, data of an older released version resolved
 * against the compiled schema. Null stays null. An unknown version byte (e.g. a newer
 * producer), truncated or corrupt Avro data, or trailing bytes throw a
 * {@link SerializationException} that names the topic and the record type (for an unknown
 * version, an {@link UnknownSchemaVersionException}). Every length and count in the bytes is
 * checked against the bytes that remain before Avro allocates for it ({@link AvroBounds}), so a
 * hostile record costs at most a few times its own size, never an {@link OutOfMemoryError}.
 *
 * <p>Built with the record class, or with the no-argument constructor and the class named in
 * {@value #VALUE_TYPE_CONFIG} (or {@value #KEY_TYPE_CONFIG} for keys) in the consumer config.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  /** Consumer config key: fully qualified generated class of the values. */
  public static final String VALUE_TYPE_CONFIG = "vibstream.avro.value.type";
  /** Consumer config key: fully qualified generated class of the keys. */
  public static final String KEY_TYPE_CONFIG = "vibstream.avro.key.type";

  private final SchemaHistory history;
  private final Map<Integer, Reading<T>> readers = new ConcurrentHashMap<>();
  private Class<T> type;
  private Schema schema;
  private int version;

  /** For Kafka's config-driven construction; {@link #configure} must name the type. */
  public AvroDeserializer() {
    this.history = SchemaHistory.classpath();
  }

  /** A deserializer of records of {@code type}, versions from the class path. */
  public AvroDeserializer(Class<T> type) {
    this(type, SchemaHistory.classpath());
  }

  /** A deserializer of records of {@code type} with an explicit schema history. */
  public AvroDeserializer(Class<T> type, SchemaHistory history) {
    this.history = Objects.requireNonNull(history, "history");
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
    this.schema = SpecificData.get().getSchema(t);
    this.version = history.versionOf(schema);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (type == null) {
      throw new IllegalStateException("AvroDeserializer not configured with a record type");
    }
    if (data.length == 0) {
      throw error(topic, "empty value (expected a schema version byte and an Avro record)", null);
    }
    int written = data[0] & 0xff;
    Reading<T> reading = reading(topic, written);
    try {
      AvroBounds.check(reading.writer, data, 1, data.length - 1);
    } catch (AvroBounds.Refused e) {
      throw error(topic, "corrupt Avro data (schema v" + written + ", " + data.length + " bytes): " + e.getMessage(),
          null);
    }
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, 1, data.length - 1, null);
      T record = reading.reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw error(topic, "trailing bytes after the record (" + data.length + " bytes in all); wrong record type?", null);
      }
      return record;
    } catch (IOException | RuntimeException e) {
      if (e instanceof SerializationException s) {
        throw s;
      }
      throw error(topic, "corrupt or truncated Avro data (schema v" + written + ", " + data.length + " bytes): " + e, e);
    }
  }

  /** The writer schema of a version and the reader that resolves it to the compiled schema. */
  private record Reading<T>(Schema writer, SpecificDatumReader<T> reader) {}

  private Reading<T> reading(String topic, int written) {
    Reading<T> reading = readers.get(written);
    if (reading != null) {
      return reading;
    }
    if (written == version) {
      reading = new Reading<>(schema, new SpecificDatumReader<>(type));
    } else {
      Optional<Schema> writer = written == 0 ? Optional.empty() : history.release(schema.getName(), written);
      if (writer.isEmpty()) {
        throw new UnknownSchemaVersionException("cannot deserialize " + type.getSimpleName() + " from topic '" + topic
            + "': " + String.format("unknown schema version byte 0x%02x (this reader has %s v%d%s); "
                + "newer producer, or not written by AvroSerializer?", written, schema.getName(), version,
            version > 1 ? " and resolves v1-v" + (version - 1) : ""));
      }
      reading = new Reading<>(writer.get(), new SpecificDatumReader<>(writer.get(), schema));
    }
    readers.put(written, reading);
    return reading;
  }

  private SerializationException error(String topic, String what, Throwable cause) {
    return new SerializationException(OneLine.of("cannot deserialize " + type.getSimpleName() + " from topic '" + topic
        + "': " + what), cause);
  }
}
