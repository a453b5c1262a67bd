package io.vibstream.connectors.annotate;

import io.vibstream.model.pose.PersonPose;
import java.util.Objects;

/**
 * What to draw for one person in one frame: the tracked pose and, once the recognizer has scored
 * the person's window, its action.
 *
 * @param trackId the tracker's id; picks the color
 * @param pose skeleton and box in frame pixels
 * @param label the recognized action, or null while none is known
 * @param confidence the label's probability in [0, 1] (ignored without a label)
 * @param unsure the recognizer marked the label as low confidence
 */
public record PersonAnnotation(long trackId, PersonPose pose, String label, float confidence, boolean unsure) {
  public PersonAnnotation {
    Objects.requireNonNull(pose, "pose");
  }

  /** A tracked person without a label yet. */
  public static PersonAnnotation unlabeled(long trackId, PersonPose pose) {
    return new PersonAnnotation(trackId, pose, null, 0f, false);
  }
}
