package io.vibstream.flink.records;

/**
 * A camera's progress in the person tracker's keyed state: the last frame it took (the state form
 * of {@link io.vibstream.model.pose.CameraTracking.Cursor}).
 *
 * @param lastSequence sequence number of the last frame taken
 * @param lastTimestamp its capture time
 */
public record TrackingCursor(long lastSequence, long lastTimestamp) {}
