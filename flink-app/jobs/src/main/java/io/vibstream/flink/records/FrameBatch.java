package io.vibstream.flink.records;

/** Frames of any cameras grouped for one backbone call, in arrival order. */
public record FrameBatch(DecodedFrame[] frames) {
  /** Number of frames. */
  public int size() {
    return frames.length;
  }
}
