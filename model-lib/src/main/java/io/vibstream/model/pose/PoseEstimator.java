package io.vibstream.model.pose;

import java.util.List;

/**
 * Finds the people in camera frames and estimates their skeletons. Frames of many cameras come
 * in one call so that per-person work (landmark crops) is batched across cameras. Detection may
 * keep per-camera state (a background model), so a camera's frames must come in capture order
 * to the same estimator. Not thread-safe: one per operator instance.
 */
public interface PoseEstimator extends AutoCloseable {
  /** The people in each frame, in the order of {@code frames}. */
  List<List<PersonPose>> estimate(List<PoseFrame> frames);

  /** Forgets a camera's detection state (e.g. after it reconnects). */
  default void resetCamera(String cameraId) {}

  @Override
  void close();
}
