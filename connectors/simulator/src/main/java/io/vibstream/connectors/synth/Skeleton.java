package io.vibstream.connectors.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The articulated figure: joint-angle layout, forward kinematics of a 3D stick skeleton (body
 * height 1, y up, x forward, z to the left), orthographic projection at a yaw angle and capsule
 * drawing with far limbs shaded darker.
 */
final class Skeleton {
  /** Flight height above the ground, in body heights. */
  static final int LIFT = 0;
  /** Whole-body rotation about the feet (falls), radians, positive forward. */
  static final int PITCH = 1;
  static final int TORSO = 2;
  static final int TORSO_SIDE = 3;
  static final int NECK = 4;
  /** Left shoulder flexion (forward), abduction (sideways), elbow flexion, forearm abduction. */
  static final int LSF = 5;
  static final int LSA = 6;
  static final int LEF = 7;
  static final int LEA = 8;
  static final int RSF = 9;
  static final int RSA = 10;
  static final int REF = 11;
  static final int REA = 12;
  /** Left hip flexion, hip abduction, knee bend. */
  static final int LHF = 13;
  static final int LHA = 14;
  static final int LK = 15;
  static final int RHF = 16;
  static final int RHA = 17;
  static final int RK = 18;
  static final int JOINTS = 19;

  private static final int PELVIS = 0;
  private static final int NECK_BASE = 1;
  private static final int HEAD = 2;
  private static final int L_SHOULDER = 3;
  private static final int L_ELBOW = 4;
  private static final int L_HAND = 5;
  private static final int R_SHOULDER = 6;
  private static final int R_ELBOW = 7;
  private static final int R_HAND = 8;
  private static final int L_HIP = 9;
  private static final int L_KNEE = 10;
  private static final int L_ANKLE = 11;
  private static final int L_TOE = 12;
  private static final int R_HIP = 13;
  private static final int R_KNEE = 14;
  private static final int R_ANKLE = 15;
  private static final int R_TOE = 16;
  private static final int POINTS = 17;

  /** Looks of one actor: colors and build. */
  record Actor(Color skin, Color hair, Color shirt, Color pants, Color shoes, boolean longSleeves, double build,
      double head, double shoulders) {
    static Actor random(SplittableRandom r) {
      Color[] skins = {new Color(255, 224, 189), new Color(234, 192, 134), new Color(198, 134, 66),
          new Color(141, 85, 36), new Color(90, 56, 37)};
      Color skin = jitter(skins[r.nextInt(skins.length)], r, 12);
      Color hair = Color.getHSBColor(0.05f + 0.08f * r.nextFloat(), 0.3f + 0.5f * r.nextFloat(),
          0.1f + 0.6f * r.nextFloat());
      return new Actor(skin, hair, randomColor(r), randomColor(r), randomColor(r).darker(), r.nextBoolean(),
          0.8 + 0.45 * r.nextDouble(), 0.9 + 0.2 * r.nextDouble(), 0.08 + 0.03 * r.nextDouble());
    }
  }

  /** Number of projected points (keypoints), in the order of {@link SyntheticPoses#JOINT_NAMES}. */
  static final int KEYPOINTS = POINTS;

  private final double[][] pts = new double[POINTS][3];
  private final double[] lastX = new double[POINTS];
  private final double[] lastY = new double[POINTS];

  /** Screen x of point {@code i} in the last {@link #draw} (before any translation of the graphics). */
  double lastX(int i) {
    return lastX[i];
  }

  /** Screen y of point {@code i} in the last {@link #draw}. */
  double lastY(int i) {
    return lastY[i];
  }

  /**
   * Draws the figure in pose {@code q}.
   *
   * @param footX screen x of the feet
   * @param groundY screen y of the ground
   * @param scale pixels per body height
   * @param yaw view angle, 0 = profile, pi/2 = frontal
   * @param mirror whether the figure faces left
   */
  void draw(Graphics2D g, double[] q, Actor actor, double footX, double groundY, double scale, double yaw,
      boolean mirror) {
    kinematics(q, actor);
    double cos = Math.cos(yaw);
    double sin = Math.sin(yaw);
    double flip = mirror ? -1 : 1;
    double[] sx = new double[POINTS];
    double[] sy = new double[POINTS];
    double[] depth = new double[POINTS];
    for (int i = 0; i < POINTS; i++) {
      double[] p = pts[i];
      sx[i] = footX + flip * (p[0] * cos + p[2] * sin) * scale;
      sy[i] = groundY - p[1] * scale;
      depth[i] = p[2] * cos - p[0] * sin;
    }
    System.arraycopy(sx, 0, lastX, 0, POINTS);
    System.arraycopy(sy, 0, lastY, 0, POINTS);
    double b = actor.build();
    Color sleeve = actor.longSleeves() ? actor.shirt() : actor.skin();
    List<Seg> segs = new ArrayList<>(16);
    segs.add(new Seg(R_HIP, R_KNEE, 0.075 * b, actor.pants()));
    segs.add(new Seg(R_KNEE, R_ANKLE, 0.06 * b, actor.pants()));
    segs.add(new Seg(R_ANKLE, R_TOE, 0.045, actor.shoes()));
    segs.add(new Seg(L_HIP, L_KNEE, 0.075 * b, actor.pants()));
    segs.add(new Seg(L_KNEE, L_ANKLE, 0.06 * b, actor.pants()));
    segs.add(new Seg(L_ANKLE, L_TOE, 0.045, actor.shoes()));
    segs.add(new Seg(L_HIP, R_HIP, 0.09 * b, actor.pants()));
    segs.add(new Seg(PELVIS, NECK_BASE, 0.13 * b, actor.shirt()));
    segs.add(new Seg(L_SHOULDER, R_SHOULDER, 0.08 * b, actor.shirt()));
    segs.add(new Seg(NECK_BASE, HEAD, 0.04 * b, actor.skin()));
    segs.add(new Seg(L_SHOULDER, L_ELBOW, 0.055 * b, actor.shirt()));
    segs.add(new Seg(L_ELBOW, L_HAND, 0.045 * b, sleeve));
    segs.add(new Seg(R_SHOULDER, R_ELBOW, 0.055 * b, actor.shirt()));
    segs.add(new Seg(R_ELBOW, R_HAND, 0.045 * b, sleeve));
    double torsoDepth = depth[PELVIS];
    segs.sort(Comparator.comparingDouble(s -> depth[s.a] + depth[s.b]));
    boolean headDrawn = false;
    for (Seg s : segs) {
      double d = (depth[s.a] + depth[s.b]) / 2;
      if (!headDrawn && d > torsoDepth + 0.01) {
        head(g, actor, sx, sy, scale, flip * cos);
        headDrawn = true;
      }
      Color c = d < torsoDepth - 0.03 ? s.color.darker() : s.color;
      g.setColor(c);
      g.setStroke(new BasicStroke((float) Math.max(1, s.width * scale), BasicStroke.CAP_ROUND,
          BasicStroke.JOIN_ROUND));
      g.draw(new Line2D.Double(sx[s.a], sy[s.a], sx[s.b], sy[s.b]));
      if (s.b == L_HAND || s.b == R_HAND) {
        double r = 0.028 * scale;
        g.setColor(d < torsoDepth - 0.03 ? actor.skin().darker() : actor.skin());
        g.fill(new Ellipse2D.Double(sx[s.b] - r, sy[s.b] - r, 2 * r, 2 * r));
      }
    }
    if (!headDrawn) {
      head(g, actor, sx, sy, scale, flip * cos);
    }
  }

  private static void head(Graphics2D g, Actor actor, double[] sx, double[] sy, double scale, double facing) {
    double r = 0.068 * actor.head() * scale;
    double x = sx[HEAD];
    double y = sy[HEAD];
    g.setColor(actor.skin());
    g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
    g.setColor(actor.hair());
    double start = 10 + 35 * facing;
    g.fill(new Arc2D.Double(x - r, y - r, 2 * r, 2 * r, start, 160, Arc2D.CHORD));
  }

  private record Seg(int a, int b, double width, Color color) {}

  /**
   * Forward kinematics alone, for 3D uses (camera projection): writes the {@link #KEYPOINTS} joint
   * positions of pose {@code q} into {@code out[i] = {x, y, z}}, body heights, x forward, y up (feet
   * on the ground at y ~ 0.03), z to the figure's left.
   */
  void joints3d(double[] q, Actor actor, double[][] out) {
    kinematics(q, actor);
    for (int i = 0; i < POINTS; i++) {
      System.arraycopy(pts[i], 0, out[i], 0, 3);
    }
  }

  private void kinematics(double[] q, Actor actor) {
    double sw = actor.shoulders();
    set(PELVIS, 0, 0.52, 0);
    double tf = q[TORSO];
    double ta = q[TORSO_SIDE];
    along(NECK_BASE, PELVIS, 0.30, Math.sin(tf) * Math.cos(ta), Math.cos(tf) * Math.cos(ta), Math.sin(ta));
    along(HEAD, NECK_BASE, 0.105, Math.sin(tf + q[NECK]) * Math.cos(ta), Math.cos(tf + q[NECK]) * Math.cos(ta),
        Math.sin(ta));
    double[] pel = pts[PELVIS];
    double[] nb = pts[NECK_BASE];
    double k = 0.27 / 0.30;
    double bx = pel[0] + (nb[0] - pel[0]) * k;
    double by = pel[1] + (nb[1] - pel[1]) * k;
    double bz = pel[2] + (nb[2] - pel[2]) * k;
    set(L_SHOULDER, bx, by, bz + sw);
    set(R_SHOULDER, bx, by, bz - sw);
    limb(L_ELBOW, L_SHOULDER, 0.17, tf + q[LSF], q[LSA], 1);
    limb(L_HAND, L_ELBOW, 0.16, tf + q[LSF] + q[LEF], q[LSA] + q[LEA], 1);
    limb(R_ELBOW, R_SHOULDER, 0.17, tf + q[RSF], q[RSA], -1);
    limb(R_HAND, R_ELBOW, 0.16, tf + q[RSF] + q[REF], q[RSA] + q[REA], -1);
    set(L_HIP, 0, 0.52, 0.055);
    set(R_HIP, 0, 0.52, -0.055);
    limb(L_KNEE, L_HIP, 0.245, q[LHF], q[LHA], 1);
    limb(L_ANKLE, L_KNEE, 0.245, q[LHF] - q[LK], q[LHA], 1);
    limb(L_TOE, L_ANKLE, 0.075, q[LHF] - q[LK] + Math.PI / 2, 0, 1);
    limb(R_KNEE, R_HIP, 0.245, q[RHF], q[RHA], -1);
    limb(R_ANKLE, R_KNEE, 0.245, q[RHF] - q[RK], q[RHA], -1);
    limb(R_TOE, R_ANKLE, 0.075, q[RHF] - q[RK] + Math.PI / 2, 0, -1);
    // Whole-body pitch about the feet, then put the lowest point on the ground and add the flight height.
    double pitch = q[PITCH];
    double px = (pts[L_ANKLE][0] + pts[R_ANKLE][0]) / 2;
    double py = Math.min(pts[L_ANKLE][1], pts[R_ANKLE][1]);
    double c = Math.cos(pitch);
    double s = Math.sin(pitch);
    double minY = Double.MAX_VALUE;
    for (double[] p : pts) {
      double x = p[0] - px;
      double y = p[1] - py;
      p[0] = x * c + y * s + px;
      p[1] = -x * s + y * c + py;
      minY = Math.min(minY, p[1]);
    }
    double shift = -minY + 0.03 + Math.max(0, q[LIFT]);
    for (double[] p : pts) {
      p[1] += shift;
    }
  }

  private void set(int i, double x, double y, double z) {
    pts[i][0] = x;
    pts[i][1] = y;
    pts[i][2] = z;
  }

  private void along(int i, int from, double len, double dx, double dy, double dz) {
    double[] f = pts[from];
    set(i, f[0] + len * dx, f[1] + len * dy, f[2] + len * dz);
  }

  private void limb(int i, int from, double len, double flex, double abd, int side) {
    along(i, from, len, Math.sin(flex) * Math.cos(abd), -Math.cos(flex) * Math.cos(abd), side * Math.sin(abd));
  }

  static Color randomColor(SplittableRandom r) {
    return Color.getHSBColor(r.nextFloat(), 0.2f + 0.7f * r.nextFloat(), 0.25f + 0.7f * r.nextFloat());
  }

  static Color jitter(Color c, SplittableRandom r, int amount) {
    return new Color(clamp(c.getRed() + r.nextInt(-amount, amount + 1)),
        clamp(c.getGreen() + r.nextInt(-amount, amount + 1)), clamp(c.getBlue() + r.nextInt(-amount, amount + 1)));
  }

  static int clamp(int v) {
    return v < 0 ? 0 : v > 255 ? 255 : v;
  }
}
