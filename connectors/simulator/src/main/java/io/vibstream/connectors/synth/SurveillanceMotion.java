package io.vibstream.connectors.synth;

import io.vibstream.model.data.FeatureSequences;
import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.model.pose.PersonTracker;
import io.vibstream.model.pose.PoseJoints;
import io.vibstream.model.pose.TrackedFeatures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Skeleton-space training data for the action model on real video: the renderer's figure doing
 * each {@link Action} (plus {@link #IDLE}: standing with a slight sway, sitting still or lying
 * still) in 3D, moved over the ground as it walks or runs, seen by a surveillance camera (looking
 * down 5-45 degrees, any heading of the person, perspective, the person 40-200 px tall in a 768x576
 * frame), with the errors of a real per-frame pose estimator ({@link EstimatorNoise}) on the
 * projected joints and box, and turned into features by the live job's tracker and {@link
 * PersonFeatures} ({@link #features}), as the job does with the real estimator's poses.
 *
 * <p>Held-out split ({@link #write}): test clips come from actors with builds (shoulder widths) no
 * training actor has, from person headings (diagonal bands around 45, 135, 225 and 315 degrees)
 * and camera elevations (15-20 and 30-35 degrees) that no training clip has, with the same noise.
 */
public final class SurveillanceMotion {
  /** The label of the no-action class. */
  public static final String IDLE = "idle";
  /** Frame width and height of the simulated camera, pixels. */
  public static final int FRAME_WIDTH = 768;
  public static final int FRAME_HEIGHT = 576;
  /** Range of the person's height in the frame, pixels (before the track is fitted into the frame). */
  public static final double MIN_PERSON_PX = 40;
  public static final double MAX_PERSON_PX = 200;
  /** Default share of each class's clips in the test split. */
  public static final double TEST_SHARE = 0.25;

  private static final double[][] TRAIN_ELEVATIONS = {{5, 15}, {20, 30}, {35, 45}};
  private static final double[][] TEST_ELEVATIONS = {{15, 20}, {30, 35}};
  /** Headings: 0 = facing the camera, 90 = the person's left side toward it. */
  private static final double[][] TEST_HEADINGS = {{35, 55}, {125, 145}, {215, 235}, {305, 325}};
  private static final double[][] TRAIN_HEADINGS = {{-35, 35}, {55, 125}, {145, 215}, {235, 305}};
  /** Shoulder half-widths (body heights): training builds in the middle, test builds narrower and broader. */
  private static final double[][] TRAIN_SHOULDERS = {{0.085, 0.105}};
  private static final double[][] TEST_SHOULDERS = {{0.075, 0.085}, {0.105, 0.115}};
  private static final int TRAIN_ACTORS = 48;
  private static final int TEST_ACTORS = 16;
  private static final int[] LEFT = {PoseJoints.L_SHOULDER, PoseJoints.L_ELBOW, PoseJoints.L_HAND, PoseJoints.L_HIP,
      PoseJoints.L_KNEE, PoseJoints.L_ANKLE, PoseJoints.L_TOE};
  /** Tracker settings of {@link #features}: the live defaults, but a track is confirmed on its first frame. */
  private static final PersonTracker.Settings ONE_PERSON = new PersonTracker.Settings(
      PersonTracker.Settings.defaults().minIou(), PersonTracker.Settings.defaults().maxCenterDistance(), 1,
      PersonTracker.Settings.defaults().maxMissedFrames());
  private static final int[] LEGS = {PoseJoints.L_KNEE, PoseJoints.L_ANKLE, PoseJoints.L_TOE, PoseJoints.R_KNEE,
      PoseJoints.R_ANKLE, PoseJoints.R_TOE};
  private static final int[] LEG_ANGLES = {Skeleton.LHF, Skeleton.LHA, Skeleton.LK, Skeleton.RHF, Skeleton.RHA,
      Skeleton.RK};
  private static final int[][] LIMBS = {{PoseJoints.L_ELBOW, PoseJoints.L_HAND}, {PoseJoints.R_ELBOW, PoseJoints.R_HAND},
      {PoseJoints.L_KNEE, PoseJoints.L_ANKLE, PoseJoints.L_TOE}, {PoseJoints.R_KNEE, PoseJoints.R_ANKLE,
      PoseJoints.R_TOE}};

  private SurveillanceMotion() {}

  /** The class labels: the 12 actions in {@link Action} order, then {@link #IDLE}. */
  public static List<String> labels() {
    List<String> labels = new ArrayList<>();
    for (Action a : Action.values()) {
      labels.add(a.label());
    }
    labels.add(IDLE);
    return List.copyOf(labels);
  }

  /**
   * How a clip was made.
   *
   * @param actor index of the actor in its split's pool
   * @param variant for {@link #IDLE}: {@code stand}, {@code sit} or {@code lie}; else empty
   * @param elevationDeg camera elevation (angle of the view ray below horizontal)
   * @param headingDeg the person's heading at the start, 0 = facing the camera
   * @param personPx the person's standing height in the frame at the track's center, pixels
   */
  public record View(int actor, String variant, double elevationDeg, double headingDeg, double distanceM,
      double focalPx, double personPx, double fps) {
    public String describe() {
      return String.format(Locale.ROOT, "actor %02d%s elev %.0f heading %.0f dist %.1fm %.0fpx %.1ffps", actor,
          variant.isEmpty() ? "" : " " + variant, elevationDeg, headingDeg, distanceM, personPx, fps);
    }
  }

  /** One generated clip: its label, split, view and the estimator-like pose of every frame. */
  public record Clip(String label, boolean test, View view, List<PersonPose> poses) {
    /** The clip's features, {@code [frames][PersonFeatures.DIMENSION]}, as the live job computes them. */
    public float[][] features() {
      return SurveillanceMotion.features(poses, view.fps());
    }
  }

  /** Per-clip progress of {@link #write}. */
  @FunctionalInterface
  public interface Progress {
    void clip(int done, int total, Clip clip);
  }

  /** What {@link #write} wrote. */
  public record Summary(List<String> labels, int trainClips, int testClips, int frames) {}

  /**
   * Features of consecutive poses of one person at {@code fps}, exactly as live: the poses go
   * through a {@link PersonTracker} (confirming at once, so every frame has its person) and each
   * frame's features are {@link TrackedFeatures#of} the tracked person, its motion the track's
   * filtered velocity. A pose the tracker does not match to the person's track (a jump larger
   * than its gates) starts a new track, as live.
   */
  public static float[][] features(List<PersonPose> poses, double fps) {
    PersonTracker tracker = new PersonTracker(ONE_PERSON);
    float[][] out = new float[poses.size()][];
    for (int t = 0; t < out.length; t++) {
      long timestampMs = Math.round(t * 1000.0 / fps);
      out[t] = TrackedFeatures.of(tracker.update(List.of(poses.get(t)), timestampMs).persons().get(0));
    }
    return out;
  }

  /**
   * Writes a {@code vib-features} data set (backbone {@link PersonFeatures#ID}, {@link
   * PersonFeatures#DIMENSION} features) of {@code clipsPerClass} clips of every label in {@link
   * #labels()} to {@code dir}; a {@code testShare} of each class's clips go to the test split.
   * Same arguments, same data set.
   *
   * @param fpsMin lowest frame rate; each clip draws its rate from [fpsMin, fpsMax]
   */
  public static Summary write(Path dir, int clipsPerClass, long seed, int frames, double fpsMin, double fpsMax,
      double testShare, EstimatorNoise noise, Progress progress) throws IOException {
    if (clipsPerClass < 1) {
      throw new IllegalArgumentException("clips per class must be >= 1, got " + clipsPerClass);
    }
    if (!(testShare > 0 && testShare < 1)) {
      throw new IllegalArgumentException("test share must be in (0, 1), got " + testShare);
    }
    checkTiming(frames, fpsMin, fpsMax);
    List<String> labels = labels();
    int total = clipsPerClass * labels.size();
    int done = 0;
    int test = 0;
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(dir, PersonFeatures.ID,
        PersonFeatures.DIMENSION, labels)) {
      for (int i = 0; i < clipsPerClass; i++) {
        boolean isTest = Math.floor((i + 1) * testShare) > Math.floor(i * testShare);
        for (int c = 0; c < labels.size(); c++) {
          Clip clip = clip(labels.get(c), isTest, frames, fpsMin, fpsMax, clipSeed(seed, c, i), seed, noise);
          writer.add(clip.features(), clip.label(), isTest ? FeatureSequences.TEST : FeatureSequences.TRAIN,
              clip.label() + " #" + i + ": " + clip.view().describe());
          test += isTest ? 1 : 0;
          done++;
          if (progress != null) {
            progress.clip(done, total, clip);
          }
        }
      }
    }
    return new Summary(labels, total - test, test, frames);
  }

  /**
   * One clip of {@code label} ({@link #labels()}) from the training or the test pool of actors,
   * headings and elevations.
   *
   * @param clipSeed seed of this clip's randomness
   * @param datasetSeed seed of the actor pools (the same for every clip of a data set)
   */
  public static Clip clip(String label, boolean test, int frames, double fpsMin, double fpsMax, long clipSeed,
      long datasetSeed, EstimatorNoise noise) {
    checkTiming(frames, fpsMin, fpsMax);
    if (!labels().contains(label)) {
      throw new IllegalArgumentException("unknown label '" + label + "', expected one of " + labels());
    }
    SplittableRandom r = new SplittableRandom(clipSeed);
    int actorIndex = r.nextInt(test ? TEST_ACTORS : TRAIN_ACTORS);
    Actor actor = actor(test, actorIndex, datasetSeed);
    double fps = fpsMin + (fpsMax - fpsMin) * r.nextDouble();
    boolean gait = label.equals(Action.WALK.label()) || label.equals(Action.RUN.label());
    double legSwing = gait ? uniform(r, noise.gaitLegSwingMin(), 1) : 1;
    Motion motion = Motion.of(label, actor, frames, fps, test, legSwing, r);
    Camera camera = Camera.place(motion, actor, test, r);
    List<PersonPose> poses = Estimator.observe(motion, camera, actor, noise, r);
    View view = new View(actorIndex, motion.variant, camera.elevationDeg, motion.headingDeg, camera.distance,
        camera.focal, camera.personPx, fps);
    return new Clip(label, test, view, poses);
  }

  private static void checkTiming(int frames, double fpsMin, double fpsMax) {
    if (frames < 2) {
      throw new IllegalArgumentException("frames must be >= 2, got " + frames);
    }
    if (!(fpsMin > 0) || !(fpsMax >= fpsMin) || fpsMax > 120) {
      throw new IllegalArgumentException("fps must be in (0, 120] with min <= max, got " + fpsMin + ":" + fpsMax);
    }
  }

  private static long clipSeed(long seed, int label, int index) {
    return seed * 0x9E3779B97F4A7C15L + label * 1_000_003L + index * 7_919L + 17;
  }

  // ---------------------------------------------------------------------------------------------
  // Actors

  /**
   * A recurring person: height in meters, build (shoulder half-width, head size, for the
   * kinematics), tempo (scales cycle rates) and mannerisms (pulled into every style's parameters),
   * so that an actor's clips share a way of moving that held-out actors do not.
   */
  private record Actor(Skeleton.Actor body, double heightM, double tempo, double[] manner, int idleArms) {}

  private static Actor actor(boolean test, int index, long datasetSeed) {
    SplittableRandom r = new SplittableRandom(datasetSeed * 31 + (test ? 0xC0FFEEL : 0xBEEFL) + 104_729L * index);
    double shoulders = pick(r, test ? TEST_SHOULDERS : TRAIN_SHOULDERS);
    Skeleton.Actor base = Skeleton.Actor.random(r);
    Skeleton.Actor body = new Skeleton.Actor(base.skin(), base.hair(), base.shirt(), base.pants(), base.shoes(),
        base.longSleeves(), base.build(), base.head(), shoulders);
    double[] manner = new double[8];
    for (int i = 0; i < manner.length; i++) {
      manner[i] = r.nextDouble();
    }
    return new Actor(body, 1.5 + 0.45 * r.nextDouble(), 0.88 + 0.24 * r.nextDouble(), manner, r.nextInt(2));
  }

  // ---------------------------------------------------------------------------------------------
  // Motion in 3D

  /**
   * The figure's 3D joints per frame, world meters (y up), and its facing; and the joints as the
   * estimator reports them, which differ from the true ones in a walker's or runner's legs: their
   * hip and knee angles scaled by {@code legSwing} (see {@link EstimatorNoise#gaitLegSwingMin}; 1
   * for every other action).
   */
  private static final class Motion {
    final double fps;
    final String variant;
    final double headingDeg;
    /** [frame][joint][xyz]. */
    final double[][][] world;
    /** [frame][joint][xyz], as reported. */
    final double[][][] reported;

    private Motion(double fps, String variant, double headingDeg, double[][][] world, double[][][] reported) {
      this.fps = fps;
      this.variant = variant;
      this.headingDeg = headingDeg;
      this.world = world;
      this.reported = reported;
    }

    static Motion of(String label, Actor actor, int frames, double fps, boolean test, double legSwing,
        SplittableRandom r) {
      double seconds = frames / fps;
      double heading = pick(r, test ? TEST_HEADINGS : TRAIN_HEADINGS);
      Action action = label.equals(IDLE) ? null : Action.of(label);
      String variant = "";
      Action.Style style;
      double timeOffset = 0;
      double[] idle = null;
      if (action == null) {
        double v = r.nextDouble();
        variant = v < 0.5 ? "stand" : v < 0.8 ? "sit" : "lie";
        Action held = variant.equals("sit") ? Action.SIT_DOWN : Action.FALL;
        style = personal(held.style(r, seconds), actor);
        // One-shot actions hold their end pose once done: start the clip well after that.
        timeOffset = 2 * style.duration() + 1 + 5 * r.nextDouble();
        idle = new double[] {r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble()};
      } else {
        style = personal(action.style(r, seconds), actor);
      }
      double speed = action == null ? 0 : action.speed(style) * actor.heightM;
      // Walkers and runners drift off a straight line a little; people in place turn a little.
      double turnRate = Math.toRadians((speed > 0 ? 8 : 3) * r.nextGaussian());
      double[] q = new double[Skeleton.JOINTS];
      double[][] body = new double[Skeleton.KEYPOINTS][3];
      Skeleton skeleton = new Skeleton();
      double[][][] world = new double[frames][Skeleton.KEYPOINTS][3];
      double[][][] reported = legSwing < 1 ? new double[frames][Skeleton.KEYPOINTS][3] : world;
      double[] damped = new double[Skeleton.JOINTS];
      double[][] dampedBody = new double[Skeleton.KEYPOINTS][3];
      double px = 0;
      double pz = 0;
      double theta = Math.toRadians(heading);
      for (int f = 0; f < frames; f++) {
        double t = f / fps;
        if (action == null) {
          if (variant.equals("stand")) {
            stand(q, t, idle, actor.idleArms);
          } else {
            (variant.equals("sit") ? Action.SIT_DOWN : Action.FALL).pose(style, timeOffset + t, q);
            q[Skeleton.NECK] += 0.08 * Math.sin(0.7 * t + 6 * idle[0]);
            q[Skeleton.TORSO_SIDE] += 0.02 * Math.sin(0.5 * t + 6 * idle[1]);
          }
        } else {
          action.pose(style, t, q);
        }
        if (f > 0) {
          theta += turnRate / fps;
          px += speed / fps * -Math.cos(theta);
          pz += speed / fps * -Math.sin(theta);
        }
        skeleton.joints3d(q, actor.body, body);
        toWorld(body, actor.heightM, theta, px, pz, world[f]);
        if (reported != world) {
          System.arraycopy(q, 0, damped, 0, q.length);
          for (int a : LEG_ANGLES) {
            damped[a] *= legSwing;
          }
          skeleton.joints3d(damped, actor.body, dampedBody);
          toWorld(dampedBody, actor.heightM, theta, px, pz, reported[f]);
        }
      }
      return new Motion(fps, variant, heading, world, reported);
    }

    /**
     * Body frame (x forward, y up, z left, body heights) to world meters: forward F = (-cos, 0,
     * -sin) faces the camera (which looks along +x) at heading 0; left = -(F x up) keeps the
     * person's left on their left (no mirror image).
     */
    private static void toWorld(double[][] body, double heightM, double theta, double px, double pz, double[][] out) {
      double fx = -Math.cos(theta);
      double fz = -Math.sin(theta);
      // F x up = (-fz, 0, fx) is the person's right, so their left is (fz, 0, -fx).
      double lx = fz;
      double lz = -fx;
      for (int j = 0; j < Skeleton.KEYPOINTS; j++) {
        double bx = body[j][0] * heightM;
        double by = body[j][1] * heightM;
        double bz = body[j][2] * heightM;
        out[j][0] = px + bx * fx + bz * lx;
        out[j][1] = by;
        out[j][2] = pz + bx * fz + bz * lz;
      }
    }

    int frames() {
      return world.length;
    }
  }

  /** The style of a performance pulled toward the actor's mannerisms and tempo. */
  private static Action.Style personal(Action.Style s, Actor actor) {
    double[] p = s.p().clone();
    for (int i = 0; i < p.length; i++) {
      p[i] = 0.55 * p[i] + 0.45 * actor.manner[i];
    }
    return new Action.Style(s.rate() * actor.tempo, s.phase0(), s.duration(), s.u0(), p, s.side());
  }

  /** Standing idle: relaxed arms (at the sides or folded in front), weight shifts and a slow sway. */
  private static void stand(double[] q, double t, double[] p, int arms) {
    java.util.Arrays.fill(q, 0);
    if (arms == 0) {
      q[Skeleton.LSA] = q[Skeleton.RSA] = 0.06 + 0.1 * p[0];
      q[Skeleton.LEF] = q[Skeleton.REF] = 0.1 + 0.25 * p[1];
    } else {
      q[Skeleton.LSF] = q[Skeleton.RSF] = 0.35 + 0.2 * p[0];
      q[Skeleton.LEF] = q[Skeleton.REF] = 1.3 + 0.4 * p[1];
      q[Skeleton.LSA] = q[Skeleton.RSA] = 0.1;
      q[Skeleton.LEA] = q[Skeleton.REA] = -0.5;
    }
    double shift = Math.sin(2 * Math.PI * (0.12 + 0.15 * p[2]) * t + 6 * p[3]);
    q[Skeleton.LHA] = 0.03 + 0.03 * shift;
    q[Skeleton.RHA] = 0.03 - 0.03 * shift;
    q[Skeleton.LK] = 0.04 + 0.05 * Math.max(0, -shift);
    q[Skeleton.RK] = 0.04 + 0.05 * Math.max(0, shift);
    q[Skeleton.TORSO_SIDE] = 0.025 * shift;
    q[Skeleton.TORSO] = 0.03 * Math.sin(1.1 * t + 6 * p[4]);
    q[Skeleton.NECK] = 0.1 * Math.sin(0.6 * t + 6 * p[2]);
    q[Skeleton.LSF] += 0.04 * Math.sin(1.5 * t + 6 * p[3]);
    q[Skeleton.RSF] += 0.04 * Math.sin(1.7 * t + 6 * p[1]);
  }

  // ---------------------------------------------------------------------------------------------
  // Camera

  /** A pinhole camera looking down at the person's track, with a slight roll. */
  private static final class Camera {
    double elevationDeg;
    double distance;
    double focal;
    double personPx;
    double cx;
    double cy;
    double roll;
    final double[] pos = new double[3];
    final double[] fwd = new double[3];
    final double[] right = new double[3];
    final double[] down = new double[3];

    static Camera place(Motion m, Actor actor, boolean test, SplittableRandom r) {
      Camera c = new Camera();
      c.elevationDeg = pick(r, test ? TEST_ELEVATIONS : TRAIN_ELEVATIONS);
      double fov = Math.toRadians(50 + 40 * r.nextDouble());
      c.focal = FRAME_WIDTH / 2.0 / Math.tan(fov / 2);
      double px = MIN_PERSON_PX + (MAX_PERSON_PX - MIN_PERSON_PX) * r.nextDouble();
      c.roll = Math.toRadians(3 * (2 * r.nextDouble() - 1));
      double ox = (2 * r.nextDouble() - 1) * 0.3 * FRAME_WIDTH;
      double oy = (2 * r.nextDouble() - 1) * 0.2 * FRAME_HEIGHT;
      // Look at the middle of the track at half height.
      double[] target = new double[3];
      int frames = m.frames();
      for (double[][] frame : new double[][][] {m.world[0], m.world[frames - 1]}) {
        target[0] += frame[PoseJoints.PELVIS][0] / 2;
        target[2] += frame[PoseJoints.PELVIS][2] / 2;
      }
      target[1] = actor.heightM / 2;
      double e = Math.toRadians(c.elevationDeg);
      // Move the camera back until the whole track fits in the frame (a close runner would leave it).
      for (int attempt = 0; ; attempt++) {
        c.personPx = px;
        c.distance = c.focal * actor.heightM / px;
        c.pos[0] = target[0] - c.distance * Math.cos(e);
        c.pos[1] = target[1] + c.distance * Math.sin(e);
        c.pos[2] = target[2];
        c.fwd[0] = Math.cos(e);
        c.fwd[1] = -Math.sin(e);
        c.fwd[2] = 0;
        c.right[0] = 0;
        c.right[1] = 0;
        c.right[2] = 1;
        // down = fwd x right
        c.down[0] = c.fwd[1] * c.right[2] - c.fwd[2] * c.right[1];
        c.down[1] = c.fwd[2] * c.right[0] - c.fwd[0] * c.right[2];
        c.down[2] = c.fwd[0] * c.right[1] - c.fwd[1] * c.right[0];
        c.cx = FRAME_WIDTH / 2.0 + ox;
        c.cy = FRAME_HEIGHT / 2.0 + oy;
        if (attempt >= 10 || c.fits(m, 0.03 * px)) {
          return c;
        }
        px = Math.max(0.85 * px, 0.6 * MIN_PERSON_PX);
        ox *= 0.7;
        oy *= 0.7;
      }
    }

    /** Projects world point {@code p} into {@code out = {u, v, depth}}. */
    void project(double[] p, double[] out) {
      double dx = p[0] - pos[0];
      double dy = p[1] - pos[1];
      double dz = p[2] - pos[2];
      double z = Math.max(1e-3, dx * fwd[0] + dy * fwd[1] + dz * fwd[2]);
      double u = focal * (dx * right[0] + dy * right[1] + dz * right[2]) / z;
      double v = focal * (dx * down[0] + dy * down[1] + dz * down[2]) / z;
      double cos = Math.cos(roll);
      double sin = Math.sin(roll);
      out[0] = cx + u * cos - v * sin;
      out[1] = cy + u * sin + v * cos;
      out[2] = z;
    }

    private boolean fits(Motion m, double margin) {
      double[] uv = new double[3];
      for (double[][] frame : m.world) {
        for (double[] joint : frame) {
          project(joint, uv);
          if (uv[0] < margin || uv[0] > FRAME_WIDTH - margin || uv[1] < 2 * margin
              || uv[1] > FRAME_HEIGHT - margin) {
            return false;
          }
        }
      }
      return true;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The estimator's errors

  private static final class Estimator {
    static List<PersonPose> observe(Motion m, Camera cam, Actor actor, EstimatorNoise n, SplittableRandom r) {
      int k = PoseJoints.COUNT;
      double[][] err = new double[k][2];
      boolean[] limbDropped = new boolean[LIMBS.length];
      boolean swapped = false;
      double margin = n.boxMarginMin() + (n.boxMarginMax() - n.boxMarginMin()) * r.nextDouble();
      double drift = n.boxScaleDrift() * r.nextDouble();
      double driftRate = 2 * Math.PI * (0.1 + 0.4 * r.nextDouble());
      double driftPhase = 2 * Math.PI * r.nextDouble();
      double rho = n.jitterCorrelation();
      double fresh = Math.sqrt(1 - rho * rho);
      List<PersonPose> poses = new ArrayList<>(m.frames());
      double[][] uv = new double[k][3];
      for (int f = 0; f < m.frames(); f++) {
        for (int j = 0; j < k; j++) {
          cam.project(m.world[f][j], uv[j]);
        }
        // The true extent, with the top of the head (the head joint is the head's center).
        double top = uv[PoseJoints.HEAD][1] + 0.7 * (uv[PoseJoints.HEAD][1] - uv[PoseJoints.NECK][1]);
        double topX = uv[PoseJoints.HEAD][0] + 0.7 * (uv[PoseJoints.HEAD][0] - uv[PoseJoints.NECK][0]);
        double x0 = topX;
        double x1 = topX;
        double y0 = top;
        double y1 = top;
        for (double[] p : uv) {
          x0 = Math.min(x0, p[0]);
          x1 = Math.max(x1, p[0]);
          y0 = Math.min(y0, p[1]);
          y1 = Math.max(y1, p[1]);
        }
        double h = Math.max(4, y1 - y0);
        boolean[] occluded = selfOccluded(uv, h);
        if (m.reported != m.world) {
          for (int j : LEGS) {
            cam.project(m.reported[f][j], uv[j]);
          }
        }
        asBlazePose(uv);
        float[] x = new float[k];
        float[] y = new float[k];
        float[] vis = new float[k];
        for (int j = 0; j < k; j++) {
          double sd = jitter(j, n) * h + n.pixelJitter();
          if (occluded[j]) {
            sd *= n.occludedJitterFactor();
          }
          err[j][0] = (f == 0 ? 1 : fresh) * sd * r.nextGaussian() + (f == 0 ? 0 : rho * err[j][0]);
          err[j][1] = (f == 0 ? 1 : fresh) * sd * r.nextGaussian() + (f == 0 ? 0 : rho * err[j][1]);
          double ex = err[j][0];
          double ey = err[j][1];
          double v = occluded[j] ? uniform(r, n.occludedMin(), n.occludedMax())
              : uniform(r, n.visibleMin(), n.visibleMax());
          if (r.nextDouble() < n.dropout()) {
            v = uniform(r, 0.02, 0.45);
            ex += 3 * sd * r.nextGaussian();
            ey += 3 * sd * r.nextGaussian();
          }
          x[j] = (float) (uv[j][0] + ex);
          y[j] = (float) (uv[j][1] + ey);
          if (uv[j][0] < 0 || uv[j][0] >= FRAME_WIDTH || uv[j][1] < 0 || uv[j][1] >= FRAME_HEIGHT) {
            v = Math.min(v, 0.2 * r.nextDouble());
          }
          vis[j] = (float) v;
        }
        double dropChance = n.limbDrop() * clamp01((n.nearHeight() - h) / (n.nearHeight() - n.farHeight()));
        for (int l = 0; l < LIMBS.length; l++) {
          limbDropped[l] = limbDropped[l] ? r.nextDouble() < n.limbDropPersist() : r.nextDouble() < dropChance;
          if (limbDropped[l]) {
            for (int j : LIMBS[l]) {
              vis[j] = (float) (0.3 * r.nextDouble());
            }
          }
        }
        swapped = swapped ? r.nextDouble() < n.swapPersist() : r.nextDouble() < n.swap();
        if (swapped) {
          for (int j : LEFT) {
            int o = PoseJoints.MIRROR[j];
            float t = x[j];
            x[j] = x[o];
            x[o] = t;
            t = y[j];
            y[j] = y[o];
            y[o] = t;
            t = vis[j];
            vis[j] = vis[o];
            vis[o] = t;
          }
        }
        // As the live mapping does: pelvis and neck are the midpoints of the estimated hips and shoulders.
        midpoint(PoseJoints.PELVIS, PoseJoints.L_HIP, PoseJoints.R_HIP, x, y, vis);
        midpoint(PoseJoints.NECK, PoseJoints.L_SHOULDER, PoseJoints.R_SHOULDER, x, y, vis);
        // The detector's box: the extent plus a margin, a slow scale drift and per-edge jitter,
        // clipped to the frame.
        double s = 1 + drift * Math.sin(driftRate * f / m.fps + driftPhase);
        double mx = (x0 + x1) / 2;
        double my = (y0 + y1) / 2;
        double hw = ((x1 - x0) / 2 + margin * h) * s;
        double hh = ((y1 - y0) / 2 + margin * h) * s;
        double bj = n.boxJitter() * h;
        double left = clamp(mx - hw + bj * r.nextGaussian(), 0, FRAME_WIDTH - 1);
        double right = clamp(mx + hw + bj * r.nextGaussian(), left + 1, FRAME_WIDTH);
        double upper = clamp(my - hh + bj * r.nextGaussian(), 0, FRAME_HEIGHT - 1);
        double lower = clamp(my + hh + bj * r.nextGaussian(), upper + 1, FRAME_HEIGHT);
        PersonBox box = new PersonBox((float) left, (float) upper, (float) (right - left), (float) (lower - upper));
        float score = (float) uniform(r, 0.55, 0.98);
        poses.add(new PersonPose(box, x, y, vis, score));
      }
      return poses;
    }

    /**
     * Moves the renderer's projected joints to where BlazePose puts its landmarks on a person: its
     * hip landmarks lie lower than the renderer's hip joints (0.12 of the way to the knees), its
     * head point is the nose, below the head's center (0.25 of the way to the shoulders' midpoint),
     * and its arms are shorter against the torso (0.85). Measured on the real estimator's skeletons
     * of moving people (vtest.avi, about 2,700 person-frames, proportions in shoulder-to-hip units:
     * knees 0.69, ankles 1.35, nose -1.34, elbows -0.50, wrists -0.13 from the hips; the renderer
     * without this step: 0.83, 1.60, -1.50, -0.34, +0.14); see docs/results/real.
     */
    static void asBlazePose(double[][] uv) {
      toward(uv, PoseJoints.L_HIP, PoseJoints.L_KNEE, HIP_DROP);
      toward(uv, PoseJoints.R_HIP, PoseJoints.R_KNEE, HIP_DROP);
      double[] shoulders = new double[3];
      for (int d = 0; d < 3; d++) {
        shoulders[d] = (uv[PoseJoints.L_SHOULDER][d] + uv[PoseJoints.R_SHOULDER][d]) / 2;
      }
      for (int d = 0; d < 3; d++) {
        uv[PoseJoints.HEAD][d] += HEAD_DROP * (shoulders[d] - uv[PoseJoints.HEAD][d]);
      }
      shorten(uv, PoseJoints.L_SHOULDER, PoseJoints.L_ELBOW, PoseJoints.L_HAND);
      shorten(uv, PoseJoints.R_SHOULDER, PoseJoints.R_ELBOW, PoseJoints.R_HAND);
    }

    private static final double HIP_DROP = 0.12;
    private static final double HEAD_DROP = 0.25;
    private static final double ARM_SCALE = 0.85;

    private static void toward(double[][] uv, int joint, int target, double share) {
      for (int d = 0; d < 3; d++) {
        uv[joint][d] += share * (uv[target][d] - uv[joint][d]);
      }
    }

    private static void shorten(double[][] uv, int shoulder, int elbow, int hand) {
      for (int d = 0; d < 3; d++) {
        double forearm = uv[hand][d] - uv[elbow][d];
        uv[elbow][d] = uv[shoulder][d] + ARM_SCALE * (uv[elbow][d] - uv[shoulder][d]);
        uv[hand][d] = uv[elbow][d] + ARM_SCALE * forearm;
      }
    }

    private static void midpoint(int joint, int a, int b, float[] x, float[] y, float[] vis) {
      x[joint] = (x[a] + x[b]) / 2;
      y[joint] = (y[a] + y[b]) / 2;
      vis[joint] = Math.min(vis[a], vis[b]);
    }

    /**
     * Joints hidden by the body: farther from the camera than the torso and, in the image, within
     * the torso's width of its axis (neck to pelvis). The torso's corners (shoulders, hips) are
     * never reported hidden: the real estimator gives them a visibility of 0.5 or more in nearly
     * every frame, guessing the far side.
     */
    private static boolean[] selfOccluded(double[][] uv, double h) {
      boolean[] out = new boolean[uv.length];
      double[] pel = uv[PoseJoints.PELVIS];
      double[] neck = uv[PoseJoints.NECK];
      double torsoDepth = (pel[2] + neck[2] + uv[PoseJoints.L_SHOULDER][2] + uv[PoseJoints.R_SHOULDER][2]) / 4;
      double shoulders = Math.hypot(uv[PoseJoints.L_SHOULDER][0] - uv[PoseJoints.R_SHOULDER][0],
          uv[PoseJoints.L_SHOULDER][1] - uv[PoseJoints.R_SHOULDER][1]);
      double halfWidth = shoulders / 2 + 0.06 * h;
      // Depth margin: about 5 cm for a 1.7 m person (in the camera's depth units, meters).
      double depthMargin = 0.05;
      for (int j = 0; j < uv.length; j++) {
        if (j == PoseJoints.PELVIS || j == PoseJoints.NECK || j == PoseJoints.HEAD || j == PoseJoints.L_SHOULDER
            || j == PoseJoints.R_SHOULDER || j == PoseJoints.L_HIP || j == PoseJoints.R_HIP) {
          continue;
        }
        if (uv[j][2] > torsoDepth + depthMargin
            && distanceToSegment(uv[j], pel, neck) < halfWidth) {
          out[j] = true;
        }
      }
      return out;
    }

    private static double jitter(int joint, EstimatorNoise n) {
      return switch (joint) {
        case PoseJoints.HEAD -> n.headJitter();
        case PoseJoints.L_ELBOW, PoseJoints.L_HAND, PoseJoints.R_ELBOW, PoseJoints.R_HAND -> n.armJitter();
        case PoseJoints.L_KNEE, PoseJoints.L_ANKLE, PoseJoints.L_TOE, PoseJoints.R_KNEE, PoseJoints.R_ANKLE,
            PoseJoints.R_TOE -> n.legJitter();
        default -> n.torsoJitter();
      };
    }
  }

  private static double distanceToSegment(double[] p, double[] a, double[] b) {
    double dx = b[0] - a[0];
    double dy = b[1] - a[1];
    double len2 = dx * dx + dy * dy;
    double t = len2 == 0 ? 0 : clamp(((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2, 0, 1);
    return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
  }

  /** A value drawn uniformly from a union of ranges, each range weighted by its width. */
  private static double pick(SplittableRandom r, double[][] ranges) {
    double total = 0;
    for (double[] range : ranges) {
      total += range[1] - range[0];
    }
    double u = r.nextDouble() * total;
    for (double[] range : ranges) {
      double w = range[1] - range[0];
      if (u < w) {
        return range[0] + u;
      }
      u -= w;
    }
    return ranges[ranges.length - 1][1];
  }

  private static double uniform(SplittableRandom r, double lo, double hi) {
    return lo + (hi - lo) * r.nextDouble();
  }

  private static double clamp(double v, double lo, double hi) {
    return v < lo ? lo : v > hi ? hi : v;
  }

  private static double clamp01(double v) {
    return clamp(v, 0, 1);
  }
}
