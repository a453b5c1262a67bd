package io.vibstream.flink.records;

/**
 * Per-camera progress kept in keyed state, with the bookkeeping of the camera's window (a ring of
 * {@code capacity} slots in keyed map state, written at {@code head}) and of its frames buffered
 * out of order.
 *
 * @param lastSequence sequence number of the last frame taken in order (-1 before the first)
 * @param lastTimestamp its capture time
 * @param sinceEmit frames added to the window since the last event
 * @param primed whether the current window run has emitted at least once
 * @param filled frames in the window, at most {@code capacity}
 * @param head ring slot the next frame goes to (the oldest frame's slot once the window is full)
 * @param capacity ring slots: the serving model's clip length when the window was started
 * @param buffered frames waiting out of order for the watermark
 */
public record CameraCursor(long lastSequence, long lastTimestamp, int sinceEmit, boolean primed, int filled, int head,
    int capacity, int buffered) {

  /** A camera not seen yet: its frame 0 is next. */
  public static final CameraCursor NEW = new CameraCursor(-1, Long.MIN_VALUE, 0, false, 0, 0, 0, 0);

  /** This camera with its last frame {@code sequence} at {@code timestamp} and an empty window. */
  public CameraCursor restart(long sequence, long timestamp, int slots) {
    return new CameraCursor(sequence, timestamp, 0, false, 0, 0, slots, buffered);
  }

  /** This cursor with {@code delta} more frames buffered. */
  public CameraCursor buffer(int delta) {
    return new CameraCursor(lastSequence, lastTimestamp, sinceEmit, primed, filled, head, capacity, buffered + delta);
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
