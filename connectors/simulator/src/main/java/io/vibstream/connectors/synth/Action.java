package io.vibstream.connectors.synth;

import static io.vibstream.connectors.synth.Skeleton.*;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The synthetic actions and their joint-angle trajectories.
 *
 * <p>Cyclic actions repeat at a per-clip rate from a random start phase; one-shot actions
 * ({@link #SIT_DOWN}, {@link #STAND_UP}, {@link #FALL}) run once over a random duration from a
 * random start progress and then hold their end pose. The trajectories are built to overlap:
 * walk and run are one gait at overlapping amplitudes, sit_down and stand_up are the same poses in
 * opposite order, bend, jump, sit_down and the start of a fall all pass through bent poses, wave,
 * clap and jumping_jack all raise the arms. A single frame rarely tells the class; the motion does.
 */
public enum Action {
  WALK(true), RUN(true), JUMP(true), WAVE(true), CLAP(true), PUNCH(true), KICK(true), BEND(true),
  SIT_DOWN(false), FALL(false), STAND_UP(false), JUMPING_JACK(true);

  private static final double TAU = 2 * Math.PI;
  private final boolean cyclic;

  Action(boolean cyclic) {
    this.cyclic = cyclic;
  }

  /** The class name used in file names and labels, e.g. {@code sit_down}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the action repeats (else it runs once and holds its end pose). */
  public boolean cyclic() {
    return cyclic;
  }

  /** The action of a label such as {@code walk} or {@code sit_down} (case-insensitive). */
  public static Action of(String label) {
    for (Action a : values()) {
      if (a.label().equalsIgnoreCase(label.strip())) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown action '" + label + "' (known: "
        + Arrays.stream(values()).map(Action::label).collect(Collectors.joining(", ")) + ")");
  }

  /** Per-performance randomization: cycle rate (Hz), start phase, one-shot timing and style parameters. */
  record Style(double rate, double phase0, double duration, double u0, double[] p, int side) {}

  /** Draws a style for a performance of about {@code seconds}. */
  Style style(SplittableRandom r, double seconds) {
    double[] p = new double[8];
    for (int i = 0; i < p.length; i++) {
      p[i] = r.nextDouble();
    }
    int side = r.nextBoolean() ? 1 : -1;
    double rate = switch (this) {
      case WALK -> u(r, 0.7, 1.15);
      case RUN -> u(r, 1.3, 1.9);
      case JUMP -> u(r, 0.6, 1.0);
      case WAVE -> u(r, 1.2, 2.5);
      case CLAP -> u(r, 1.5, 2.8);
      case PUNCH -> u(r, 0.7, 1.4);
      case KICK -> u(r, 0.5, 0.9);
      case BEND -> u(r, 0.3, 0.6);
      case JUMPING_JACK -> u(r, 0.8, 1.4);
      default -> 0;
    };
    double duration = Math.max(0.5, seconds * u(r, 0.6, 0.95));
    double u0 = u(r, -0.2, 0.05);
    return new Style(rate, r.nextDouble(), duration, u0, p, side);
  }

  /** Forward speed of the figure in body heights per second (0 for actions done in place). */
  double speed(Style s) {
    return switch (this) {
      case WALK -> s.rate() * 2 * Math.sin(gaitHip(s)) * 1.1;
      case RUN -> s.rate() * (2 * Math.sin(gaitHip(s)) * 1.1 + 0.5);
      default -> 0;
    };
  }

  private double gaitHip(Style s) {
    return this == WALK ? 0.2 + 0.3 * s.p()[0] : 0.45 + 0.3 * s.p()[0];
  }

  /** Writes the pose {@code t} seconds into the performance into {@code q} (length {@link Skeleton#JOINTS}). */
  void pose(Style s, double t, double[] q) {
    Arrays.fill(q, 0);
    double[] p = s.p();
    // Relaxed standing pose: arms slightly out and bent.
    q[LSA] = q[RSA] = 0.08 + 0.1 * p[7];
    q[LEF] = q[REF] = 0.15 + 0.2 * p[6];
    q[LHA] = q[RHA] = 0.03;
    double phase = cyclic ? frac(s.phase0() + t * s.rate()) : 0;
    double u = cyclic ? 0 : clamp(s.u0() + t / s.duration());
    double w = TAU * phase;
    switch (this) {
      case WALK -> gait(q, phase, gaitHip(s), 0.4 + 0.3 * p[1], 0.1 + 0.6 * p[2], 0.12 * p[3], 0,
          0.25 + 0.25 * p[4]);
      case RUN -> gait(q, phase, gaitHip(s), 0.7 + 0.8 * p[1], 0.8 + 0.8 * p[2], 0.1 + 0.2 * p[3],
          0.02 + 0.04 * p[5], 0.4 + 0.4 * p[4]);
      case JUMP -> jump(q, phase, 0.1 + 0.2 * p[0], 0.8 + 0.4 * p[1]);
      case WAVE -> {
        double raise = 1.8 + 0.8 * p[0];
        double wiggle = (0.35 + 0.3 * p[1]) * Math.sin(w);
        boolean both = p[2] < 0.35;
        if (both || s.side() > 0) {
          q[LSA] = raise;
          q[LSF] = 0.2 * p[3];
          q[LEA] = 0.3 + wiggle;
          q[LEF] = 0.1;
        }
        if (both || s.side() < 0) {
          q[RSA] = raise;
          q[RSF] = 0.2 * p[3];
          q[REA] = 0.3 + (both ? -wiggle : wiggle);
          q[REF] = 0.1;
        }
      }
      case CLAP -> {
        double gap = 0.5 + 0.5 * Math.cos(w);
        double height = 0.9 + 1.0 * p[0];
        q[LSF] = q[RSF] = height;
        q[LSA] = q[RSA] = 0.3 + 0.4 * gap;
        q[LEA] = q[REA] = -1.55 + 0.9 * gap;
        q[LEF] = q[REF] = 0.2 + 0.4 * p[1];
      }
      case PUNCH -> {
        guard(q, p);
        double half = frac(2 * phase);
        double e = half < 0.4 ? Math.sin(Math.PI * half / 0.4) : 0;
        boolean left = phase < 0.5 == s.side() > 0;
        int sf = left ? LSF : RSF;
        int ef = left ? LEF : REF;
        q[sf] = 0.7 + 0.85 * e;
        q[ef] = 2.0 * (1 - e);
        q[TORSO_SIDE] = 0.05 * e * (left ? 1 : -1);
      }
      case KICK -> {
        guard(q, p);
        double height = 1.1 + 0.5 * p[0];
        double hip;
        double knee;
        if (phase < 0.15) {
          double a = smooth(phase / 0.15);
          hip = 1.2 * a;
          knee = 1.6 * a;
        } else if (phase < 0.3) {
          double a = smooth((phase - 0.15) / 0.15);
          hip = 1.2 + (height - 1.2) * a;
          knee = 1.6 * (1 - a) + 0.1 * a;
        } else if (phase < 0.45) {
          double a = smooth((phase - 0.3) / 0.15);
          hip = height + (1.2 - height) * a;
          knee = 0.1 + 1.5 * a;
        } else if (phase < 0.6) {
          double a = smooth((phase - 0.45) / 0.15);
          hip = 1.2 * (1 - a);
          knee = 1.6 * (1 - a);
        } else {
          hip = 0;
          knee = 0;
        }
        q[s.side() > 0 ? LHF : RHF] = hip;
        q[s.side() > 0 ? LK : RK] = knee + 0.15;
        q[TORSO] = -0.25 * hip / height;
      }
      case BEND -> {
        double b = smooth(0.5 - 0.5 * Math.cos(w));
        double torso = (1.1 + 0.4 * p[0]) * b;
        double knee = 0.5 * p[1] * b;
        q[TORSO] = torso;
        q[LK] = q[RK] = knee;
        q[LHF] = q[RHF] = knee * 0.5;
        double arms = -torso * (0.5 + 0.45 * p[2]);
        q[LSF] = q[RSF] = arms;
        q[NECK] = -0.3 * b;
      }
      case SIT_DOWN -> sit(q, u, p);
      case STAND_UP -> sit(q, 1 - u, p);
      case FALL -> fall(q, u, p, s.side());
      case JUMPING_JACK -> {
        double o = 0.5 - 0.5 * Math.cos(w);
        q[LSA] = q[RSA] = 0.15 + (2.5 + 0.35 * p[0]) * o;
        q[LEA] = q[REA] = 0.15 * o;
        q[LHA] = q[RHA] = 0.04 + (0.2 + 0.15 * p[1]) * o;
        q[LK] = q[RK] = 0.15 + 0.15 * Math.abs(Math.sin(w));
        q[LIFT] = (0.02 + 0.03 * p[2]) * Math.abs(Math.sin(w));
      }
    }
    // Slow idle sway, different for every performance, so held poses are not identical.
    q[TORSO] += 0.04 * Math.sin(1.3 * t + 6 * p[5]);
    q[LSF] += 0.06 * Math.sin(1.7 * t + 6 * p[6]);
    q[RSF] += 0.06 * Math.sin(1.9 * t + 6 * p[7]);
    q[NECK] += 0.08 * Math.sin(0.9 * t + 6 * p[4]);
  }

  private static void gait(double[] q, double phase, double hipAmp, double kneeAmp, double elbow, double lean,
      double flight, double armAmp) {
    double w = TAU * phase;
    q[LHF] = hipAmp * Math.sin(w);
    q[RHF] = -q[LHF];
    q[LK] = 0.08 + kneeAmp * Math.pow(Math.max(0, Math.cos(w)), 1.5);
    q[RK] = 0.08 + kneeAmp * Math.pow(Math.max(0, -Math.cos(w)), 1.5);
    q[LSF] = -armAmp * Math.sin(w);
    q[RSF] = armAmp * Math.sin(w);
    q[LEF] = elbow + 0.2 * Math.max(0, Math.sin(w));
    q[REF] = elbow + 0.2 * Math.max(0, -Math.sin(w));
    q[TORSO] = lean;
    q[LIFT] = flight * Math.max(0, Math.sin(2 * w + 0.5));
  }

  private static void jump(double[] q, double phase, double height, double squat) {
    double crouch;
    double up = 0;
    if (phase < 0.3) {
      crouch = smooth(phase / 0.3);
    } else if (phase < 0.4) {
      crouch = 1 - smooth((phase - 0.3) / 0.1);
      up = smooth((phase - 0.3) / 0.1);
    } else if (phase < 0.7) {
      crouch = 0;
      up = 1;
      q[LIFT] = height * Math.sin(Math.PI * (phase - 0.4) / 0.3);
      q[LK] = q[RK] = 0.5 * Math.sin(Math.PI * (phase - 0.4) / 0.3);
      q[LHF] = q[RHF] = 0.3 * Math.sin(Math.PI * (phase - 0.4) / 0.3);
    } else if (phase < 0.85) {
      crouch = 0.6 * Math.sin(Math.PI * (phase - 0.7) / 0.3);
      up = 1 - smooth((phase - 0.7) / 0.15);
    } else {
      crouch = 0.6 * Math.sin(Math.PI * (phase - 0.7) / 0.3);
    }
    q[LHF] += squat * 1.1 * crouch;
    q[RHF] += squat * 1.1 * crouch;
    q[LK] += squat * 2.0 * crouch;
    q[RK] += squat * 2.0 * crouch;
    q[TORSO] = squat * 0.7 * crouch;
    double arms = -0.8 * crouch * (1 - up) + 2.6 * up;
    q[LSF] = q[RSF] = arms;
  }

  private static void guard(double[] q, double[] p) {
    q[LSF] = q[RSF] = 0.6 + 0.2 * p[3];
    q[LEF] = q[REF] = 2.0;
    q[LHF] = 0.25;
    q[RHF] = -0.25;
    q[LK] = q[RK] = 0.2 + 0.15 * p[2];
  }

  private static void sit(double[] q, double u, double[] p) {
    double s = smooth(u);
    double hip = 1.35 + 0.25 * p[0];
    q[LHF] = q[RHF] = hip * s;
    q[LK] = q[RK] = (hip + 0.05) * s;
    q[TORSO] = (0.45 + 0.3 * p[1]) * Math.sin(Math.PI * s) + 0.15 * s;
    double reach = (0.5 + 0.6 * p[2]) * Math.sin(Math.PI * s);
    q[LSF] = q[RSF] = reach + 0.5 * s;
    q[LEF] = q[REF] = 0.2 + 0.3 * s;
  }

  private static void fall(double[] q, double u, double[] p, int side) {
    double dir = side > 0 || p[0] < 0.4 ? 1 : -1;
    double stumble = smooth(u / 0.25);
    double drop = u < 0.15 ? 0 : Math.min(1, Math.pow((u - 0.15) / 0.6, 2));
    double lying = smooth((u - 0.75) / 0.25);
    q[LK] = q[RK] = (0.4 + 0.3 * p[1]) * stumble * (1 - 0.7 * lying);
    q[LHF] = q[RHF] = 0.3 * stumble * (1 - 0.7 * lying) * dir;
    q[TORSO] = 0.3 * stumble * dir * (1 - lying);
    q[LSF] = q[RSF] = (1.4 + 0.6 * p[2]) * stumble * (1 - 0.5 * lying);
    q[LSA] = q[RSA] = 0.2 + 0.5 * p[3] * stumble;
    q[PITCH] = dir * 1.5 * drop;
  }

  private static double u(SplittableRandom r, double lo, double hi) {
    return lo + (hi - lo) * r.nextDouble();
  }

  static double smooth(double x) {
    double c = clamp(x);
    return c * c * (3 - 2 * c);
  }

  static double clamp(double x) {
    return x < 0 ? 0 : x > 1 ? 1 : x;
  }

  static double frac(double x) {
    return x - Math.floor(x);
  }
}
