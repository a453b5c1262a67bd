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
   * it off, for scenes where nobody stands still) and {@code ,threads=N}: landmark interpreters
   * per subtask, each on its own thread (default 2).
   */
  static PoseEstimatorFactory spec(String spec) {
    String[] parts = spec.split(",", -1);
    PoseModels.Landmark landmark = switch (parts[0]) {
      case ActionRecognitionJob.POSE_PREFIX + "lite" -> PoseModels.Landmark.LITE;
      case ActionRecognitionJob.POSE_PREFIX + "full" -> PoseModels.Landmark.FULL;
      default -> throw new IllegalArgumentException("unknown pose spec '" + spec + "': pose:lite or pose:full");
    };
    BlazePoseEstimator.Settings settings = BlazePoseEstimator.Settings.defaults().withLandmark(landmark);
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].matches("static=\\d{1,6}")) {
        settings = settings.withStaticEvery(Integer.parseInt(parts[i].substring("static=".length())));
      } else if (parts[i].matches("threads=([1-9]|[1-5]\\d|6[0-4])")) {
        settings = settings.withLandmarkThreads(Integer.parseInt(parts[i].substring("threads=".length())));
      } else {
        throw new IllegalArgumentException("unknown pose spec option '" + parts[i] + "' in '" + spec
            + "': static=N (the static-person pass every N frames, 0 = off) or threads=N (landmark threads, 1-64)");
      }
    }
    // The factory ships with the job graph: capture serializable values only.
    int staticEvery = settings.staticEvery();
    int threads = settings.landmarkThreads();
    return () -> new BlazePoseEstimator(PoseModels.locate(), BlazePoseEstimator.Settings.defaults()
        .withLandmark(landmark).withStaticEvery(staticEvery).withLandmarkThreads(threads));
  }
}
