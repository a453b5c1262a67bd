package io.vibstream.local.people;

import io.vibstream.model.pose.PoseModels;

/** The BlazePose landmark model variants of {@code --pose}. */
public enum Pose {
  lite(PoseModels.Landmark.LITE),
  full(PoseModels.Landmark.FULL);

  public final PoseModels.Landmark landmark;

  Pose(PoseModels.Landmark landmark) {
    this.landmark = landmark;
  }
}
