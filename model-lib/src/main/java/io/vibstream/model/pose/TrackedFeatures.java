package io.vibstream.model.pose;

/**
 * Pose mode's per-person feature step: a tracked person's {@link PersonFeatures} in a frame, its
 * motion taken from the track's filtered velocity. The streaming job and offline labeling
 * both call this, so a labeled clip holds the vectors the job would feed the recognizer.
 */
public final class TrackedFeatures {
  private TrackedFeatures() {}

  /** {@link PersonFeatures#of} {@code person}'s pose and its track's filtered velocity. */
  public static float[] of(PersonTracker.TrackedPerson person) {
    return PersonFeatures.of(person.pose(), person.velocityX(), person.velocityY());
  }
}
