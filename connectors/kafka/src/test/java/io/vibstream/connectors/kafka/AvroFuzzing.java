package io.vibstream.connectors.kafka;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The property the Avro fuzz tests check: any bytes either deserialize, and the record then
 * serializes and deserializes to an equal record, or are refused with one
 * {@link SerializationException} line. Anything else (an OutOfMemoryError, an Avro exception that
 * escapes, a multi-line reason) is a finding.
 */
final class AvroFuzzing<T extends SpecificRecord> {
  private final AvroDeserializer<T> deserializer;
  private final AvroSerializer<T> serializer = new AvroSerializer<>();

  AvroFuzzing(Class<T> type) {
    this.deserializer = new AvroDeserializer<>(type);
  }

  void deserializeOrRefuse(byte[] input) {
    T record;
    try {
      record = deserializer.deserialize("fuzz", input);
    } catch (SerializationException e) {
      String message = e.getMessage();
      if (message == null || message.isBlank() || message.contains("\n") || message.contains("\r")) {
        throw new AssertionError("not a one-line refusal: " + message, e);
      }
      return;
    }
    T again = deserializer.deserialize("fuzz", serializer.serialize("fuzz", record));
    if (!record.equals(again)) {
      throw new AssertionError("a deserialized record does not survive serialize and deserialize: " + record);
    }
  }
}
