package io.vibstream.model.pose;

import java.nio.ByteBuffer;

/**
 * Constant-velocity Kalman filter on a person box (cx, cy, h, r = w / h); see {@link PersonTracker}
 * for the equations. F, H, Q and R are block diagonal over (cx, vx), (cy, vy), (h, vh) and (r), so
 * the 7-state filter is exactly three independent 2-state filters and one scalar one, which is what
 * this class keeps: a mean and the three distinct entries of each 2x2 covariance. Noise scales with
 * the box height so that the filter behaves the same for near and far people. Not thread-safe.
 */
final class KalmanBoxFilter {
  /** Measurement noise std of cx, cy and h, in box heights. */
  static final double MEASUREMENT_STD = 0.05;
  /** Measurement noise std of the aspect w / h. */
  static final double ASPECT_MEASUREMENT_STD = 0.05;
  /** White-noise acceleration std of the center, in box heights per s^2. */
  static final double CENTER_ACCEL_STD = 2.0;
  /** White-noise acceleration std of the height, in box heights per s^2. */
  static final double HEIGHT_ACCEL_STD = 0.5;
  /** Random-walk std of the aspect per sqrt(s). */
  static final double ASPECT_WALK_STD = 0.2;
  /** Initial velocity std of the center and of the height, in box heights per s. */
  static final double INIT_CENTER_VELOCITY_STD = 1.5;
  static final double INIT_HEIGHT_VELOCITY_STD = 0.3;
  /** Smallest height the filter predicts, in pixels (a shrinking coasting box stays a box). */
  static final double MIN_HEIGHT = 1.0;
  /** Doubles in a serialized filter. */
  static final int DOUBLES = 3 * 5 + 2;

  // Per axis a = 0 (cx), 1 (cy), 2 (h): position, velocity, covariance p00, p01, p11.
  private final double[] pos = new double[3];
  private final double[] vel = new double[3];
  private final double[] p00 = new double[3];
  private final double[] p01 = new double[3];
  private final double[] p11 = new double[3];
  private double aspect;
  private double aspectVar;

  private KalmanBoxFilter() {}

  /** A filter at {@code box} with zero velocity. */
  static KalmanBoxFilter start(PersonBox box) {
    KalmanBoxFilter f = new KalmanBoxFilter();
    double h = Math.max(box.height(), MIN_HEIGHT);
    f.pos[0] = box.centerX();
    f.pos[1] = box.centerY();
    f.pos[2] = h;
    double posVar = sq(2 * MEASUREMENT_STD * h);
    double[] velStd = {INIT_CENTER_VELOCITY_STD * h, INIT_CENTER_VELOCITY_STD * h, INIT_HEIGHT_VELOCITY_STD * h};
    for (int a = 0; a < 3; a++) {
      f.p00[a] = posVar;
      f.p11[a] = sq(velStd[a]);
    }
    f.aspect = box.height() > 0 ? box.width() / (double) box.height() : 0.4;
    f.aspectVar = sq(2 * ASPECT_MEASUREMENT_STD);
    return f;
  }

  /** Moves the state {@code dt} seconds ahead: x = F x, P = F P F' + Q. */
  void predict(double dt) {
    if (dt <= 0) {
      return;
    }
    double h = pos[2];
    double dt2 = dt * dt;
    for (int a = 0; a < 3; a++) {
      double q = sq((a < 2 ? CENTER_ACCEL_STD : HEIGHT_ACCEL_STD) * h);
      pos[a] += vel[a] * dt;
      double n00 = p00[a] + 2 * dt * p01[a] + dt2 * p11[a] + q * dt2 * dt2 / 4;
      double n01 = p01[a] + dt * p11[a] + q * dt2 * dt / 2;
      p11[a] += q * dt2;
      p00[a] = n00;
      p01[a] = n01;
    }
    if (pos[2] < MIN_HEIGHT) {
      pos[2] = MIN_HEIGHT;
      vel[2] = Math.max(vel[2], 0);
    }
    aspectVar += sq(ASPECT_WALK_STD) * dt;
  }

  /** Folds in a measured box: K = P H' (H P H' + R)^-1, x += K (z - H x), P = (I - K H) P. */
  void correct(PersonBox box) {
    double h = pos[2];
    double r = sq(MEASUREMENT_STD * h);
    double[] z = {box.centerX(), box.centerY(), Math.max(box.height(), MIN_HEIGHT)};
    for (int a = 0; a < 3; a++) {
      double s = p00[a] + r;
      double k0 = p00[a] / s;
      double k1 = p01[a] / s;
      double innovation = z[a] - pos[a];
      pos[a] += k0 * innovation;
      vel[a] += k1 * innovation;
      double n11 = p11[a] - k1 * p01[a];
      p00[a] = (1 - k0) * p00[a];
      p01[a] = (1 - k0) * p01[a];
      p11[a] = n11;
    }
    if (box.height() > 0) {
      double s = aspectVar + sq(ASPECT_MEASUREMENT_STD);
      double k = aspectVar / s;
      aspect += k * (box.width() / (double) box.height() - aspect);
      aspectVar *= 1 - k;
    }
  }

  double centerX() {
    return pos[0];
  }

  double centerY() {
    return pos[1];
  }

  double height() {
    return pos[2];
  }

  /** Filtered velocity of the center along x, pixels per second. */
  double velocityX() {
    return vel[0];
  }

  /** Filtered velocity of the center along y, pixels per second. */
  double velocityY() {
    return vel[1];
  }

  /** Std of the predicted center, the mean of its x and y variances' roots. */
  double centerstd() {
    return Math.sqrt((p00[0] + p00[1]) / 2);
  }

  /** The filtered box. */
  PersonBox box() {
    double h = pos[2];
    double w = Math.max(aspect, 0) * h;
    return new PersonBox((float) (pos[0] - w / 2), (float) (pos[1] - h / 2), (float) w, (float) h);
  }

  void write(ByteBuffer out) {
    for (int a = 0; a < 3; a++) {
      out.putDouble(pos[a]).putDouble(vel[a]).putDouble(p00[a]).putDouble(p01[a]).putDouble(p11[a]);
    }
    out.putDouble(aspect).putDouble(aspectVar);
  }

  /** Reads a filter written by {@link #write}; rejects non-finite or impossible values. */
  static KalmanBoxFilter read(ByteBuffer in) {
    KalmanBoxFilter f = new KalmanBoxFilter();
    for (int a = 0; a < 3; a++) {
      f.pos[a] = in.getDouble();
      f.vel[a] = in.getDouble();
      f.p00[a] = in.getDouble();
      f.p01[a] = in.getDouble();
      f.p11[a] = in.getDouble();
      if (!finite(f.pos[a], f.vel[a], f.p00[a], f.p01[a], f.p11[a]) || f.p00[a] < 0 || f.p11[a] < 0) {
        throw new IllegalArgumentException("filter axis " + a + " holds an invalid mean or covariance");
      }
    }
    f.aspect = in.getDouble();
    f.aspectVar = in.getDouble();
    if (!finite(f.aspect, f.aspectVar) || f.aspectVar < 0 || f.pos[2] < MIN_HEIGHT) {
      throw new IllegalArgumentException("filter holds an invalid height or aspect");
    }
    return f;
  }

  private static boolean finite(double... values) {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  private static double sq(double v) {
    return v * v;
  }
}
