package io.vibstream.connectors.kafka;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Thrown by {@link AvroDeserializer} for a value whose version byte names no schema version this
 * reader knows (a newer producer, or bytes not written by {@link AvroSerializer}), so that
 * consumers can tell it from corrupt or truncated Avro data.
 */
public final class UnknownSchemaVersionException extends SerializationException {
  private static final long serialVersionUID = 1L;

  public UnknownSchemaVersionException(String message) {
    super(message);
  }
}
