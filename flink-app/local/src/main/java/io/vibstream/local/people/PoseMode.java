package io.vibstream.local.people;

import io.vibstream.flink.functions.PersonTracking;
import io.vibstream.flink.functions.PoseEstimatorFactory;
import io.vibstream.flink.job.ActionRecognitionJob;
import io.vibstream.model.pose.CameraTracking;
import io.vibstream.model.pose.PersonTracker;
import java.time.Duration;

/**
 * The action recognition job in pose mode as the CLI configures it, and the estimator and
 * per-camera tracking it builds ({@link PoseEstimatorFactory#spec}, the job's
 * {@link PersonTracker.Settings} and time gap, the rules of {@link PersonTracking}), for the
 * offline passes that must find the job's people and track ids (drawing, labeling, evaluating).
 */
public final class PoseMode {
  private PoseMode() {}

  public static String spec(Pose pose) {
    return ActionRecognitionJob.POSE_PREFIX + pose.name();
  }

  public static ActionRecognitionJob.Settings config(Pose pose, int parallelism) {
    return ActionRecognitionJob.Settings.defaults(spec(pose))
        .withParallelism(parallelism)
        .withWatermarks(Duration.ofMillis(200), Duration.ofSeconds(1));
  }

  /** The job's pose estimator. */
  public static PoseEstimatorFactory estimators(Pose pose) {
    return PoseEstimatorFactory.spec(spec(pose));
  }

  /** A camera's tracking as the job's {@link PersonTracking} does it. */
  public static CameraTracking cameraTracking(Pose pose) {
    return new CameraTracking(PersonTracker.Settings.defaults(), config(pose, 1).maxTimeGap().toMillis());
  }
}
