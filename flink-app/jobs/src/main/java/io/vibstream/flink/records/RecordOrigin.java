package io.vibstream.flink.records;

/**
 * Where a record came from and what it was, byte for byte: the Kafka topic, partition and offset
 * it was read at, and its key and value as consumed (either may be null). Dead letters carry it so
 * that the dead-letter topic holds the original bytes, whatever went wrong with them.
 */
public record RecordOrigin(String topic, int partition, long offset, byte[] key, byte[] value) {
  /** {@code topic-partition@offset}. */
  public String coordinates() {
    return topic + "-" + partition + "@" + offset;
  }
}
