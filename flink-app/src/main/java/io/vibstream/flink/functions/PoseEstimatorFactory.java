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
   * the models {@link PoseModels#locate()} finds on each TaskManager.
   */
  static PoseEstimatorFactory spec(String spec) {
    PoseModels.Landmark landmark = switch (spec) {
      case ActionRecognitionJob.POSE_PREFIX + "lite" -> PoseModels.Landmark.LITE;
      case ActionRecognitionJob.POSE_PREFIX + "full" -> PoseModels.Landmark.FULL;
      default -> throw new IllegalArgumentException("unknown pose spec '" + spec + "': pose:lite or pose:full");
    };
    return () -> new BlazePoseEstimator(PoseModels.locate(), BlazePoseEstimator.Options.defaults()
        .withLandmark(landmark));
  }
}
