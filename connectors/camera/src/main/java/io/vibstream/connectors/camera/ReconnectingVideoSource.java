package io.vibstream.connectors.camera;

import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.connectors.video.VideoSource;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live source that reconnects when its stream drops (an error, or the end of the stream),
 * with exponential backoff: waits {@code initial}, doubling up to {@code max}, and gives up
 * with an IOException after {@code attempts} failed reconnects in a row. The first
 * connection is made in the constructor and is not retried, so a wrong URL fails at once.
 * Corrupt-frame counts of the successive connections are summed.
 */
public final class ReconnectingVideoSource implements VideoSource, CorruptFrameCounter {
  private static final Logger LOG = LoggerFactory.getLogger(ReconnectingVideoSource.class);

  /** Opens one connection. */
  @FunctionalInterface
  public interface Opener {
    VideoSource open() throws IOException;
  }

  private final String name;
  private final Opener opener;
  private final Duration initial;
  private final Duration max;
  private final int attempts;
  private VideoSource current;
  private double frameRate;
  private long corruptOfClosed;
  private long reconnects;
  private boolean closed;

  /** Connects once (failing fast), then reconnects on drops as described above. */
  public ReconnectingVideoSource(String name, Opener opener, Duration initial, Duration max, int attempts)
      throws IOException {
    this.name = Objects.requireNonNull(name, "name");
    this.opener = Objects.requireNonNull(opener, "opener");
    this.initial = initial;
    this.max = max;
    this.attempts = attempts;
    this.current = opener.open();
    this.frameRate = current.frameRate();
  }

  @Override
  public VideoFrame next() throws IOException {
    while (!closed) {
      if (current == null) {
        reconnect();
      }
      try {
        VideoFrame frame = current.next();
        if (frame != null) {
          return frame;
        }
        LOG.warn("{}: stream ended; reconnecting", name);
      } catch (IOException e) {
        LOG.warn("{}: stream dropped ({}); reconnecting", name, e.getMessage());
      }
      closeCurrent();
    }
    throw new IOException(name + ": closed");
  }

  private void reconnect() throws IOException {
    long waitMs = initial.toMillis();
    IOException last = null;
    for (int attempt = 1; attempt <= attempts && !closed; attempt++) {
      try {
        Thread.sleep(waitMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(name + ": interrupted while reconnecting", e);
      }
      try {
        current = opener.open();
        frameRate = current.frameRate();
        reconnects++;
        LOG.info("{}: reconnected (attempt {})", name, attempt);
        return;
      } catch (IOException e) {
        last = e;
        LOG.warn("{}: reconnect attempt {}/{} failed: {}", name, attempt, attempts, e.getMessage());
      }
      waitMs = Math.min(waitMs * 2, max.toMillis());
    }
    throw new IOException(name + ": gave up after " + attempts + " failed reconnect attempts"
        + (last != null ? " (last: " + last.getMessage() + ")" : ""), last);
  }

  private void closeCurrent() {
    if (current != null) {
      if (current instanceof CorruptFrameCounter c) {
        corruptOfClosed += c.corruptFrames();
      }
      current.close();
      current = null;
    }
  }

  /** Successful reconnects so far. */
  public long reconnects() {
    return reconnects;
  }

  @Override
  public long corruptFrames() {
    return corruptOfClosed + (current instanceof CorruptFrameCounter c ? c.corruptFrames() : 0);
  }

  @Override
  public double frameRate() {
    return frameRate;
  }

  @Override
  public void close() {
    closed = true;
    closeCurrent();
  }
}
