package io.vibstream.model.pose;

/**
 * BlazePose's 33 landmarks of one person in frame pixels, with visibility (after the sigmoid, in
 * [0, 1]) and the model's pose presence. Indices: 0 nose, 11/12 left/right shoulder, 13/14 elbows,
 * 15/16 wrists, 23/24 hips, 25/26 knees, 27/28 ankles, 31/32 foot index (left/right are the
 * person's own).
 */
record BlazePoseLandmarks(float[] x, float[] y, float[] visibility, float presence) {
  static final int COUNT = 33;
  static final int NOSE = 0;
  static final int L_SHOULDER = 11;
  static final int R_SHOULDER = 12;
  static final int L_ELBOW = 13;
  static final int R_ELBOW = 14;
  static final int L_WRIST = 15;
  static final int R_WRIST = 16;
  static final int L_HIP = 23;
  static final int R_HIP = 24;
  static final int L_KNEE = 25;
  static final int R_KNEE = 26;
  static final int L_ANKLE = 27;
  static final int R_ANKLE = 28;
  static final int L_FOOT = 31;
  static final int R_FOOT = 32;

  /** BlazePose landmark for each of {@link PoseJoints}' joints except pelvis and neck (midpoints). */
  private static final int[] SOURCE = {-1, -1, NOSE, L_SHOULDER, L_ELBOW, L_WRIST, R_SHOULDER, R_ELBOW, R_WRIST,
      L_HIP, L_KNEE, L_ANKLE, L_FOOT, R_HIP, R_KNEE, R_ANKLE, R_FOOT};

  /**
   * The project's 17-joint pose: pelvis = hip midpoint, neck = shoulder midpoint, head = nose, hands
   * = wrists, toes = foot index; a midpoint's visibility is the smaller of its two.
   */
  PersonPose toPose(PersonBox box) {
    float[] px = new float[PoseJoints.COUNT];
    float[] py = new float[PoseJoints.COUNT];
    float[] pv = new float[PoseJoints.COUNT];
    for (int j = 0; j < PoseJoints.COUNT; j++) {
      int s = SOURCE[j];
      if (s >= 0) {
        px[j] = x[s];
        py[j] = y[s];
        pv[j] = visibility[s];
      }
    }
    midpoint(PoseJoints.PELVIS, L_HIP, R_HIP, px, py, pv);
    midpoint(PoseJoints.NECK, L_SHOULDER, R_SHOULDER, px, py, pv);
    return new PersonPose(box, px, py, pv, presence);
  }

  private void midpoint(int joint, int a, int b, float[] px, float[] py, float[] pv) {
    px[joint] = (x[a] + x[b]) / 2;
    py[joint] = (y[a] + y[b]) / 2;
    pv[joint] = Math.min(visibility[a], visibility[b]);
  }

  /** Distance between landmarks {@code a} and {@code b}. */
  float distance(int a, int b) {
    return (float) Math.hypot(x[a] - x[b], y[a] - y[b]);
  }

  /** Smallest box around the body landmarks (11 to 32) and the nose. */
  PersonBox extent() {
    float minX = x[NOSE];
    float maxX = x[NOSE];
    float minY = y[NOSE];
    float maxY = y[NOSE];
    for (int i = L_SHOULDER; i < COUNT; i++) {
      minX = Math.min(minX, x[i]);
      maxX = Math.max(maxX, x[i]);
      minY = Math.min(minY, y[i]);
      maxY = Math.max(maxY, y[i]);
    }
    return new PersonBox(minX, minY, maxX - minX, maxY - minY);
  }
}
