package io.vibstream.local.people;

import java.util.Locale;

/**
 * The frames of a video a people pass keeps: given in frames, in video time (seconds), or
 * neither (from the first frame to the last). Times become frames at the video's frame rate.
 *
 * @param fromFrame first frame, or null
 * @param toFrame last frame, inclusive, or null
 * @param fromSeconds start in video time, or null (then {@code fromFrame})
 * @param toSeconds end in video time, inclusive, or null (then {@code toFrame})
 */
public record FrameRange(Integer fromFrame, Integer toFrame, Double fromSeconds, Double toSeconds) {
  /** The whole video. */
  public static final FrameRange ALL = new FrameRange(null, null, null, null);

  /** The first frame at {@code fps}. */
  int first(double fps) {
    return fromSeconds != null ? (int) Math.ceil(fromSeconds * fps - 1e-6) : fromFrame == null ? 0 : fromFrame;
  }

  /** The last frame at {@code fps}; fails in one line when the range is empty. */
  int last(double fps) {
    int last = toSeconds != null ? (int) Math.floor(toSeconds * fps + 1e-6)
        : toFrame == null ? Integer.MAX_VALUE : toFrame;
    int first = first(fps);
    if (last < first) {
      throw new IllegalArgumentException("the range is empty: frames " + first + ".." + last + " at "
          + String.format(Locale.ROOT, "%.2f", fps) + " fps");
    }
    return last;
  }
}
