package io.vibstream.model.pose;

/**
 * Pose mode's per-person feature step: a tracked person's {@link PersonFeatures} in a frame, its
 * motion taken from the track's previous matched frame. The streaming job and offline labeling
 * both call this, so a labeled clip holds the vectors the job would feed the recognizer.
 */
public final class TrackedFeatures {
  private TrackedFeatures() {}

  /**
   * {@link PersonFeatures#of}(pose, previous box, dt) of {@code person} in the frame captured at
   * {@code timestampMs}, with dt the seconds since the track's previous matched frame.
   */
  public static float[] of(PersonTracker.TrackedPerson person, long timestampMs) {
    double dt = (timestampMs - person.previousTimestampMs()) / 1000.0;
    return PersonFeatures.of(person.pose(), person.previousBox(), dt);
  }
}
