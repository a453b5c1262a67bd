package io.vibstream.connectors.video;

import java.io.IOException;

/** A stream of decoded frames: a file, a live camera, or a simulated one. Not thread-safe. */
public interface VideoSource extends AutoCloseable {
  /** The next frame, or null at the end of a finite stream. Live sources block up to their timeout. */
  VideoFrame next() throws IOException;

  /** Frames per second the source delivers (nominal). */
  double frameRate();

  @Override
  void close();
}
