package io.vibstream.cli;

import io.vibstream.model.pose.PoseModels;

/** The BlazePose landmark model variants of {@code --pose}. */
enum Pose {
  lite(PoseModels.Landmark.LITE),
  full(PoseModels.Landmark.FULL);

  final PoseModels.Landmark landmark;

  Pose(PoseModels.Landmark landmark) {
    this.landmark = landmark;
  }
}
