package io.vibstream.local.bench;

import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.connectors.video.VideoSource;
import java.io.InterruptedIOException;
import java.util.List;

/**
 * Frames decoded or rendered beforehand, delivered in a loop in real time: a bench camera whose
 * own work (drawing, decoding) is done before the run. Optionally its first {@code primeFrames}
 * come at {@code primeFps} (e.g. to let a background model learn quickly), the rest at {@code fps}.
 */
public final class ReplaySource implements VideoSource {
  private final List<VideoFrame> frames;
  private final double fps;
  private final int primeFrames;
  private final double primeFps;
  private final int offset;
  private long next;
  private long startNanos = -1;

  public ReplaySource(List<VideoFrame> frames, double fps) {
    this(frames, fps, 0, 0, fps);
  }

  /** Starts at frame {@code offset} of {@code frames}; the first {@code primeFrames} at {@code primeFps}. */
  public ReplaySource(List<VideoFrame> frames, double fps, int offset, int primeFrames, double primeFps) {
    this.frames = List.copyOf(frames);
    this.fps = fps;
    this.offset = offset;
    this.primeFrames = primeFrames;
    this.primeFps = primeFps;
  }

  /** Seconds from the first frame to frame {@code i}. */
  private double secondsTo(long i) {
    return i <= primeFrames ? i / primeFps : primeFrames / primeFps + (i - primeFrames) / fps;
  }

  @Override
  public VideoFrame next() throws InterruptedIOException {
    long now = System.nanoTime();
    if (startNanos < 0) {
      startNanos = now;
    }
    long dueMicros = Math.round(secondsTo(next) * 1e6);
    long wait = startNanos + dueMicros * 1000 - now;
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("replay interrupted");
      }
    }
    VideoFrame f = frames.get((int) ((offset + next) % frames.size()));
    next++;
    return new VideoFrame(f.image(), dueMicros, f.groundTruth());
  }

  @Override
  public double frameRate() {
    return fps;
  }

  @Override
  public void close() {}
}
