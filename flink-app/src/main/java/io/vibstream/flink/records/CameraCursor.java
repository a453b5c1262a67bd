package io.vibstream.flink.records;

/**
 * Per-camera progress kept in keyed state.
 *
 * @param lastSequence sequence number of the last frame taken in order
 * @param lastTimestamp its capture time
 * @param sinceEmit frames added to the window since the last event
 * @param primed whether the current window run has emitted at least once
 */
public record CameraCursor(long lastSequence, long lastTimestamp, int sinceEmit, boolean primed) {}
