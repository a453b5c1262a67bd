package io.vibstream.connectors.synth;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * A figure performing a sequence of actions on a {@link Stage}: it keeps the position and facing
 * across actions (walkers turn round at the edges), blends into each new action over 0.35 s, and
 * renders frames at increasing times.
 */
final class Performer {
  private static final double BLEND = 0.35;
  private final Stage stage;
  private final SplittableRandom random;
  private final double[] pose = new double[Skeleton.JOINTS];
  private final double[] previous = new double[Skeleton.JOINTS];
  private Action action;
  private Action.Style style;
  private double start;
  private boolean blending;
  private double x;
  private int dir;
  private double lastT;

  Performer(Stage stage, SplittableRandom random) {
    this.stage = stage;
    this.random = random;
    this.x = stage.width * (0.25 + 0.5 * random.nextDouble());
    this.dir = random.nextBoolean() ? 1 : -1;
  }

  /** The stage it performs on. */
  Stage stage() {
    return stage;
  }

  /** The action being performed. */
  Action action() {
    return action;
  }

  /** Starts {@code next} at time {@code t} (seconds) for about {@code seconds}, with a random style. */
  void start(Action next, double t, double seconds) {
    if (action != null) {
      System.arraycopy(pose, 0, previous, 0, pose.length);
      blending = true;
    }
    action = next;
    style = next.style(random, seconds);
    start = t;
    lastT = t;
    if (!next.cyclic()) {
      // Fall and sit toward the middle of the picture.
      dir = x < stage.width / 2.0 ? 1 : -1;
    } else if (random.nextDouble() < 0.3) {
      dir = -dir;
    }
    stage.maybeOcclude(random, 0.35, t, seconds, x);
  }

  /** Renders the frame at time {@code t} (not before the previous one) into {@code img}. */
  void render(BufferedImage img, double t, long frameSeed) {
    double dt = Math.max(0, t - lastT);
    lastT = t;
    double speed = action.speed(style) * stage.scale * Math.max(0.3, Math.cos(stage.yaw));
    x += dir * speed * dt;
    double lo = stage.width * 0.08;
    double hi = stage.width * 0.92;
    if (x < lo) {
      x = 2 * lo - x;
      dir = 1;
    } else if (x > hi) {
      x = 2 * hi - x;
      dir = -1;
    }
    action.pose(style, t - start, pose);
    if (blending) {
      double b = Action.smooth((t - start) / BLEND);
      if (b >= 1) {
        blending = false;
      } else {
        for (int i = 0; i < pose.length; i++) {
          pose[i] = previous[i] + (pose[i] - previous[i]) * b;
        }
      }
    }
    stage.render(img, t, frameSeed, pose, x, dir < 0);
  }
}
