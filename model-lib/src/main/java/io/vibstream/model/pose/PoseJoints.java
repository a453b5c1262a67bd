package io.vibstream.model.pose;

import java.util.List;

/**
 * The project's 17-joint skeleton, shared by the synthetic renderer, the real pose estimator and
 * the feature transform. Left and right are the person's own.
 */
public final class PoseJoints {
  /** Joint names in index order. */
  public static final List<String> NAMES = List.of("pelvis", "neck", "head", "l_shoulder", "l_elbow", "l_hand",
      "r_shoulder", "r_elbow", "r_hand", "l_hip", "l_knee", "l_ankle", "l_toe", "r_hip", "r_knee", "r_ankle",
      "r_toe");
  public static final int COUNT = 17;
  public static final int PELVIS = 0;
  public static final int NECK = 1;
  public static final int HEAD = 2;
  public static final int L_SHOULDER = 3;
  public static final int L_ELBOW = 4;
  public static final int L_HAND = 5;
  public static final int R_SHOULDER = 6;
  public static final int R_ELBOW = 7;
  public static final int R_HAND = 8;
  public static final int L_HIP = 9;
  public static final int L_KNEE = 10;
  public static final int L_ANKLE = 11;
  public static final int L_TOE = 12;
  public static final int R_HIP = 13;
  public static final int R_KNEE = 14;
  public static final int R_ANKLE = 15;
  public static final int R_TOE = 16;

  /** Bones as pairs of joint indices, for drawing. */
  public static final int[][] BONES = {{PELVIS, NECK}, {NECK, HEAD}, {NECK, L_SHOULDER}, {L_SHOULDER, L_ELBOW},
      {L_ELBOW, L_HAND}, {NECK, R_SHOULDER}, {R_SHOULDER, R_ELBOW}, {R_ELBOW, R_HAND}, {PELVIS, L_HIP},
      {L_HIP, L_KNEE}, {L_KNEE, L_ANKLE}, {L_ANKLE, L_TOE}, {PELVIS, R_HIP}, {R_HIP, R_KNEE}, {R_KNEE, R_ANKLE},
      {R_ANKLE, R_TOE}};

  /** The joint each joint becomes in a mirror image (left and right swapped). */
  public static final int[] MIRROR = {0, 1, 2, 6, 7, 8, 3, 4, 5, 13, 14, 15, 16, 9, 10, 11, 12};

  private PoseJoints() {}
}
