package io.vibstream.model.pose;

/**
 * Rejects skeletons no single upright-ish person has. A crop holding two people yields one
 * confident (presence near 1) but stretched skeleton, shoulders on one person and hips on the
 * other, so presence alone does not prove a skeleton right; body proportions catch most of these.
 * Bounds are loose: they must pass bending, sitting and side views.
 */
final class SkeletonCheck {
  private SkeletonCheck() {}

  /** Why {@code p} is implausible for one person in {@code box}, or null when it is plausible. */
  static String reject(BlazePoseLandmarks p, PersonBox box) {
    float torso = (float) Math.hypot(
        (p.x()[BlazePoseLandmarks.L_SHOULDER] + p.x()[BlazePoseLandmarks.R_SHOULDER]
            - p.x()[BlazePoseLandmarks.L_HIP] - p.x()[BlazePoseLandmarks.R_HIP]) / 2,
        (p.y()[BlazePoseLandmarks.L_SHOULDER] + p.y()[BlazePoseLandmarks.R_SHOULDER]
            - p.y()[BlazePoseLandmarks.L_HIP] - p.y()[BlazePoseLandmarks.R_HIP]) / 2);
    float size = Math.max(box.height(), box.width());
    if (torso < 0.08f * size) {
      return "torso too short";
    }
    if (torso > 0.75f * size) {
      return "torso too long";
    }
    if (p.distance(BlazePoseLandmarks.L_SHOULDER, BlazePoseLandmarks.R_SHOULDER) > 1.2f * torso) {
      return "shoulders too wide";
    }
    if (p.distance(BlazePoseLandmarks.L_HIP, BlazePoseLandmarks.R_HIP) > 1.0f * torso) {
      return "hips too wide";
    }
    int[][] limbs = {
        {BlazePoseLandmarks.L_SHOULDER, BlazePoseLandmarks.L_ELBOW}, {BlazePoseLandmarks.L_ELBOW, BlazePoseLandmarks.L_WRIST},
        {BlazePoseLandmarks.R_SHOULDER, BlazePoseLandmarks.R_ELBOW}, {BlazePoseLandmarks.R_ELBOW, BlazePoseLandmarks.R_WRIST},
        {BlazePoseLandmarks.L_HIP, BlazePoseLandmarks.L_KNEE}, {BlazePoseLandmarks.L_KNEE, BlazePoseLandmarks.L_ANKLE},
        {BlazePoseLandmarks.R_HIP, BlazePoseLandmarks.R_KNEE}, {BlazePoseLandmarks.R_KNEE, BlazePoseLandmarks.R_ANKLE}};
    float[] lengths = new float[limbs.length];
    for (int i = 0; i < limbs.length; i++) {
      lengths[i] = p.distance(limbs[i][0], limbs[i][1]);
      if (lengths[i] > 1.3f * torso) {
        return "limb longer than 1.3 torsos";
      }
    }
    // Upper arm, forearm, thigh and shin are each about 0.6-1 torso; foreshortening shortens some,
    // rarely most. A torso stretched between two people is several times their median.
    java.util.Arrays.sort(lengths);
    float median = (lengths[3] + lengths[4]) / 2;
    if (torso > 2.5f * median) {
      return "torso longer than 2.5 median limb segments";
    }
    if (p.distance(BlazePoseLandmarks.NOSE, BlazePoseLandmarks.L_SHOULDER) > 1.2f * torso
        && p.distance(BlazePoseLandmarks.NOSE, BlazePoseLandmarks.R_SHOULDER) > 1.2f * torso) {
      return "head far from the shoulders";
    }
    return null;
  }
}
