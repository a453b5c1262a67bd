package io.vibstream.connectors.camera;

/** A source that skips frames it cannot decode and counts them. */
public interface CorruptFrameCounter {
  /** Frames skipped so far because they could not be decoded (or were missing from the stream). */
  long corruptFrames();
}
