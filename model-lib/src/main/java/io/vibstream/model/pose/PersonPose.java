package io.vibstream.model.pose;

import java.util.Objects;

/**
 * One person's skeleton in one frame: {@link PoseJoints#COUNT} joints in frame pixels (y down),
 * each with a visibility in [0, 1], the person's box and the estimator's confidence that this is
 * a person ({@code score}, in [0, 1]).
 */
public record PersonPose(PersonBox box, float[] x, float[] y, float[] visibility, float score) {
  public PersonPose {
    Objects.requireNonNull(box, "box");
    if (x == null || y == null || visibility == null || x.length != PoseJoints.COUNT || y.length != PoseJoints.COUNT
        || visibility.length != PoseJoints.COUNT) {
      throw new IllegalArgumentException("a pose needs " + PoseJoints.COUNT + " joints with x, y and visibility");
    }
  }
}
