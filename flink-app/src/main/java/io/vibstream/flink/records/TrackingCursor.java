package io.vibstream.flink.records;

/**
 * A camera's progress in the person tracker's keyed state: the last frame it took.
 *
 * @param lastSequence sequence number of the last frame taken
 * @param lastTimestamp its capture time
 */
public record TrackingCursor(long lastSequence, long lastTimestamp) {
  /** Whether a frame comes after the last one: a higher sequence number, or a later capture time (a restarted camera). */
  public boolean follows(long sequence, long timestamp) {
    return sequence > lastSequence ? timestamp >= lastTimestamp : timestamp > lastTimestamp;
  }
}
