package io.vibstream.flink.records;

/**
 * Per-camera progress kept in keyed state, with the bookkeeping of the camera's window: a ring
 * of {@code capacity} slots in keyed map state, written at {@code head}.
 *
 * @param lastSequence sequence number of the last frame taken in order
 * @param lastTimestamp its capture time
 * @param sinceEmit frames added to the window since the last event
 * @param primed whether the current window run has emitted at least once
 * @param filled frames in the window, at most {@code capacity}
 * @param head ring slot the next frame goes to (the oldest frame's slot once the window is full)
 * @param capacity ring slots: the serving model's clip length when the window was started
 */
public record CameraCursor(long lastSequence, long lastTimestamp, int sinceEmit, boolean primed, int filled, int head,
    int capacity) {

  /** A camera whose last frame was {@code sequence} at {@code timestamp}, with an empty window. */
  public static CameraCursor empty(long sequence, long timestamp, int capacity) {
    return new CameraCursor(sequence, timestamp, 0, false, 0, 0, capacity);
  }

  /** Whether {@code sequence} / {@code timestamp} were already passed by this camera (a duplicate or a late frame). */
  public boolean passed(long sequence, long timestamp) {
    return sequence <= lastSequence && timestamp <= lastTimestamp;
  }

  /** Whether a frame with this sequence number and capture time comes right after the last one. */
  public boolean isNext(long sequence, long timestamp) {
    return sequence == lastSequence + 1 && timestamp >= lastTimestamp;
  }
}
