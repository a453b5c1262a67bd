package io.vibstream.model.pose;

import java.util.ArrayList;
import java.util.List;

/**
 * One camera's person tracking: a {@link PersonTracker} fed frames in sequence order. A frame that
 * does not come after the camera's last one ({@link Cursor#follows}) is skipped as late rather than
 * fed out of order; after more than {@code maxTimeGapMs} without frames every track ends first, so
 * stale tracks do not take the people of a camera that comes back. The streaming job (keyed by
 * camera, state restored per frame) and the offline passes (labeling, drawing) both call this, so
 * they find the same tracks.
 */
public final class CameraTracking {
  /**
   * The camera's progress: the last frame it took.
   *
   * @param lastSequence sequence number of the last frame taken
   * @param lastTimestamp its capture time
   */
  public record Cursor(long lastSequence, long lastTimestamp) {
    /** Whether a frame comes after the last one: a higher sequence number, or a later capture time (a restarted camera). */
    public boolean follows(long sequence, long timestamp) {
      return sequence > lastSequence ? timestamp >= lastTimestamp : timestamp > lastTimestamp;
    }
  }

  /**
   * A frame's outcome.
   *
   * @param persons the tracked persons of the frame
   * @param endedTrackIds confirmed tracks that ended at this frame: first those ended by a time gap, then those
   *     ended by the frame itself
   */
  public record Step(List<PersonTracker.TrackedPerson> persons, List<Long> endedTrackIds) {}

  private final PersonTracker.Settings settings;
  private final long maxTimeGapMs;
  private byte[] stored;
  private PersonTracker tracker;
  private Cursor cursor;

  /**
   * A camera with no frames yet.
   *
   * @param maxTimeGapMs capture-time gap after which all tracks end, >= 1
   */
  public CameraTracking(PersonTracker.Settings settings, long maxTimeGapMs) {
    this(settings, maxTimeGapMs, null, null);
  }

  private CameraTracking(PersonTracker.Settings settings, long maxTimeGapMs, byte[] stored, Cursor cursor) {
    if (maxTimeGapMs < 1) {
      throw new IllegalArgumentException("maxTimeGapMs must be >= 1, got " + maxTimeGapMs);
    }
    this.settings = settings;
    this.maxTimeGapMs = maxTimeGapMs;
    this.stored = stored;
    this.cursor = cursor;
  }

  /**
   * A camera from its {@link #snapshot()} and {@link #cursor()}, either null for none; the tracker
   * is restored only when a frame is taken (a late frame costs no restore).
   */
  public static CameraTracking restore(PersonTracker.Settings settings, long maxTimeGapMs, byte[] snapshot,
      Cursor cursor) {
    return new CameraTracking(settings, maxTimeGapMs, snapshot, cursor);
  }

  /** The tracked persons of a frame and the tracks that ended, or null when the frame is late (skipped). */
  public Step update(long sequence, long timestampMs, List<PersonPose> found) {
    if (cursor != null && !cursor.follows(sequence, timestampMs)) {
      return null;
    }
    PersonTracker t = tracker();
    List<Long> ended = new ArrayList<>();
    if (cursor != null && timestampMs - cursor.lastTimestamp() > maxTimeGapMs) {
      // Frames without anybody, at no elapsed time, end every track (tentative ones at the first).
      for (int i = 0; i <= settings.maxMissedFrames(); i++) {
        ended.addAll(t.update(List.of(), cursor.lastTimestamp()).endedTrackIds());
      }
    }
    PersonTracker.Update update = t.update(found, timestampMs);
    ended.addAll(update.endedTrackIds());
    cursor = new Cursor(sequence, timestampMs);
    return new Step(update.persons(), List.copyOf(ended));
  }

  /** The last frame taken, or null before the first. */
  public Cursor cursor() {
    return cursor;
  }

  /** The tracker's state ({@link PersonTracker#snapshot()}), for {@link #restore}. */
  public byte[] snapshot() {
    return tracker().snapshot();
  }

  private PersonTracker tracker() {
    if (tracker == null) {
      tracker = stored == null ? new PersonTracker(settings) : PersonTracker.restore(stored, settings);
      stored = null;
    }
    return tracker;
  }
}
