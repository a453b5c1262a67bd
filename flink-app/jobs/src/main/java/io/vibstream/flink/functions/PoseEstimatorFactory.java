package io.vibstream.flink.functions;

import io.vibstream.flink.job.ActionRecognitionJob;
import io.vibstream.model.pose.BlazePoseEstimator;
import io.vibstream.model.pose.PoseEstimator;
import io.vibstream.model.pose.PoseModels;
import java.io.Serializable;

/** Opens the job's {@link PoseEstimator}, once per subtask; shipped with the job graph, so tests and jobs choose it. */
@FunctionalInterface
public interface PoseEstimatorFactory extends Serializable {
  /** A new estimator; the caller closes it. */
  PoseEstimator open();

  /**
   * {@link BlazePoseEstimator} for {@code pose:lite} or {@code pose:full} (the landmark model), on
   * the models {@link PoseModels#locate()} finds on each TaskManager, optionally followed by
   * {@code ,static=N}: the static-person HOG pass every N frames of a camera (default 10; 0 turns
   * it off, for scenes where nobody stands still).
   */
  static PoseEstimatorFactory spec(String spec) {
    String[] parts = spec.split(",", -1);
    PoseModels.Landmark landmark = switch (parts[0]) {
      case ActionRecognitionJob.POSE_PREFIX + "lite" -> PoseModels.Landmark.LITE;
      case ActionRecognitionJob.POSE_PREFIX + "full" -> PoseModels.Landmark.FULL;
      default -> throw new IllegalArgumentException("unknown pose spec '" + spec + "': pose:lite or pose:full");
    };
    int staticEvery = BlazePoseEstimator.Settings.defaults().staticEvery();
    for (int i = 1; i < parts.length; i++) {
      if (!parts[i].matches("static=\\d{1,6}")) {
        throw new IllegalArgumentException("unknown pose spec option '" + parts[i] + "' in '" + spec
            + "': static=N (the static-person pass every N frames, 0 = off)");
      }
      staticEvery = Integer.parseInt(parts[i].substring("static=".length()));
    }
    int every = staticEvery; // the factory ships with the job graph: capture serializable values only
    return () -> new BlazePoseEstimator(PoseModels.locate(), BlazePoseEstimator.Settings.defaults()
        .withLandmark(landmark).withStaticEvery(every));
  }
}
