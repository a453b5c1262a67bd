package io.vibstream.model.pose;

/**
 * The per-person feature vector the action LSTM reads, computed the same way from synthetic
 * skeletons in training and from the real estimator live, so that what the model learned on one
 * transfers to the other.
 *
 * <p>For a pose with box height h whose track's filtered box-center velocity is (u, v) pixels per
 * second ({@link PersonTracker}'s Kalman filter, which smooths the detector's per-frame jitter):
 * <pre>
 *   s        = max(|neck - pelvis|, 0.2 h)                 (torso length, floored for bent or hidden torsos)
 *   joint j  = ((x_j - x_pelvis) / s, (y_j - y_pelvis) / s)   if visibility_j &gt;= 0.5, else (0, 0)
 *   vis j    = visibility_j
 *   motion   = (clip(u / h, +-3), clip(v / h, +-3))
 * </pre>
 * laid out as [x_0, y_0, ..., x_16, y_16, vis_0, ..., vis_16, vx, vy] ({@link #DIMENSION} = 53).
 * Centering on the hips and scaling by the torso remove where the person stands and how far away;
 * the box's own velocity in body heights per second keeps walking and running apart, which the
 * centered joints alone cannot. Taking it from the tracker's filter rather than from two
 * consecutive boxes matters on real video: a detector's box edges jitter by a few percent of the
 * height each frame, which at 10 fps is as large as a walker's speed.
 */
public final class PersonFeatures {
  /** Feature transform id; models trained on these features carry it as their backbone id. */
  public static final String ID = "person-skeleton-v2";
  /** Features per person per frame. */
  public static final int DIMENSION = 3 * PoseJoints.COUNT + 2;
  /** Visibility below which a joint's position is not used. */
  public static final float VISIBLE = 0.5f;
  private static final float MAX_SPEED = 3f;

  private PersonFeatures() {}

  /**
   * Features of {@code pose}.
   *
   * @param velocityX the person's box-center velocity along x, pixels per second
   * @param velocityY the same along y
   */
  public static float[] of(PersonPose pose, double velocityX, double velocityY) {
    float[] out = new float[DIMENSION];
    write(pose, velocityX, velocityY, out, 0);
    return out;
  }

  /** Writes the features of {@code pose} into {@code out} from {@code offset}; see {@link #of}. */
  public static void write(PersonPose pose, double velocityX, double velocityY, float[] out, int offset) {
    float[] x = pose.x();
    float[] y = pose.y();
    float[] v = pose.visibility();
    PersonBox box = pose.box();
    float h = Math.max(box.height(), 1f);
    int p = PoseJoints.PELVIS;
    int n = PoseJoints.NECK;
    float torso = (float) Math.hypot(x[n] - x[p], y[n] - y[p]);
    float s = Math.max(torso, 0.2f * h);
    for (int j = 0; j < PoseJoints.COUNT; j++) {
      boolean seen = v[j] >= VISIBLE && v[p] >= VISIBLE;
      out[offset + 2 * j] = seen ? (x[j] - x[p]) / s : 0f;
      out[offset + 2 * j + 1] = seen ? (y[j] - y[p]) / s : 0f;
      out[offset + 2 * PoseJoints.COUNT + j] = Math.max(0f, Math.min(1f, v[j]));
    }
    float vx = clip((float) (velocityX / h));
    float vy = clip((float) (velocityY / h));
    out[offset + 3 * PoseJoints.COUNT] = vx;
    out[offset + 3 * PoseJoints.COUNT + 1] = vy;
  }

  private static float clip(float speed) {
    return Float.isFinite(speed) ? Math.max(-MAX_SPEED, Math.min(MAX_SPEED, speed)) : 0f;
  }
}
