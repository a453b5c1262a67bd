package io.vibstream.flink.records;

/**
 * The sequence numbers a camera has sent in its current run, kept per camera by the job's
 * sequence check: the highest, a bit mask of those seen among the 64 up to it (bit {@code i}:
 * {@code highest - i}) and the latest capture time.
 */
public record SequenceWindow(long highest, long seen, long latest) {
  /** Sequence numbers the mask remembers. */
  public static final int SPAN = 64;

  /** A run that starts with {@code sequence} at {@code timestamp}. */
  public static SequenceWindow start(long sequence, long timestamp) {
    return new SequenceWindow(sequence, 1L, timestamp);
  }

  /** Whether {@code sequence} was seen (among the last {@link #SPAN} up to the highest). */
  public boolean saw(long sequence) {
    long back = highest - sequence;
    return back >= 0 && back < SPAN && (seen >>> back & 1L) != 0;
  }

  /** This window with {@code sequence} at {@code timestamp} seen. */
  public SequenceWindow with(long sequence, long timestamp) {
    long latestNow = Math.max(latest, timestamp);
    if (sequence > highest) {
      long shift = sequence - highest;
      return new SequenceWindow(sequence, shift >= SPAN ? 1L : seen << shift | 1L, latestNow);
    }
    long back = highest - sequence;
    return new SequenceWindow(highest, back < SPAN ? seen | 1L << back : seen, latestNow);
  }
}
