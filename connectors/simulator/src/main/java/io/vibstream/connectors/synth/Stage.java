package io.vibstream.connectors.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Everything around the figure: a textured, cluttered backdrop and an actor (both from the scene
 * seed, shared by a group), and the view (from the view seed): zoom, yaw, ground line, camera
 * jitter, lighting, sensor noise, moving distractors and occluding boxes.
 */
final class Stage {
  final int width;
  final int height;
  final Skeleton.Actor actor;
  /** Pixels per body height. */
  final double scale;
  final double groundY;
  final double yaw;
  private final int margin;
  private final BufferedImage backdrop;
  private final List<Distractor> distractors = new ArrayList<>();
  private final List<Occluder> occluders = new ArrayList<>();
  private final double jitter;
  private final double[] jitterWave = new double[8];
  private final double gain;
  private final double bias;
  private final double flicker;
  private final double noise;
  private final Skeleton skeleton = new Skeleton();
  private final float[] keypoints = new float[2 * Skeleton.KEYPOINTS];
  private final boolean[] visible = new boolean[Skeleton.KEYPOINTS];

  Stage(long sceneSeed, long viewSeed, int width, int height) {
    this.width = width;
    this.height = height;
    SplittableRandom scene = new SplittableRandom(sceneSeed);
    SplittableRandom view = new SplittableRandom(viewSeed);
    actor = Skeleton.Actor.random(scene);
    double ground = 0.8 + 0.15 * scene.nextDouble();
    groundY = height * ground;
    double actorHeight = 0.9 + 0.2 * scene.nextDouble();
    scale = height * Math.min(ground - 0.05, (0.42 + 0.3 * view.nextDouble()) * actorHeight);
    yaw = Math.toRadians(65 * view.nextDouble());
    margin = (int) Math.ceil(0.04 * Math.max(width, height)) + 2;
    backdrop = backdrop(scene, view);
    jitter = 0.015 * view.nextDouble() * Math.max(width, height);
    for (int i = 0; i < 4; i++) {
      jitterWave[2 * i] = 2 + 7 * view.nextDouble();
      jitterWave[2 * i + 1] = 2 * Math.PI * view.nextDouble();
    }
    gain = 0.8 + 0.35 * view.nextDouble();
    bias = -15 + 30 * view.nextDouble();
    flicker = view.nextDouble() < 0.3 ? 0.04 * view.nextDouble() : 0;
    noise = 8 * view.nextDouble();
    int moving = view.nextInt(3);
    for (int i = 0; i < moving; i++) {
      distractors.add(Distractor.random(view, width, height, scale));
    }
  }

  /** Adds a box hiding part of the scene from {@code t0} to {@code t1} seconds. */
  void occlude(double t0, double t1, double x, double y, double w, double h, SplittableRandom r) {
    occluders.add(new Occluder(t0, t1, new Rectangle2D.Double(x, y, w, h), Skeleton.randomColor(r),
        r.nextBoolean()));
  }

  /** Adds, with probability {@code p}, an occluder over part of a figure standing at {@code footX}. */
  void maybeOcclude(SplittableRandom r, double p, double t0, double seconds, double footX) {
    occluders.removeIf(o -> o.t1 < t0);
    if (r.nextDouble() >= p) {
      return;
    }
    double w = scale * (0.25 + 0.3 * r.nextDouble());
    double h = scale * (0.3 + 0.3 * r.nextDouble());
    double x = footX - w / 2 + scale * (r.nextDouble() - 0.5) * 0.4;
    double y = r.nextBoolean() ? groundY - scale * (0.95 + 0.1 * r.nextDouble()) : groundY - h + scale * 0.05;
    double start = t0 + seconds * 0.6 * r.nextDouble();
    double end = start + seconds * (0.3 + 0.4 * r.nextDouble());
    occlude(start, end, x, y, w, h, r);
  }

  /**
   * Renders one frame into {@code img} (TYPE_3BYTE_BGR, the stage's size).
   *
   * @param t seconds since the start of the stream
   * @param frameSeed seed of this frame's sensor noise
   */
  void render(BufferedImage img, double t, long frameSeed, double[] pose, double footX, boolean mirror) {
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      double dx = 0;
      double dy = 0;
      for (int i = 0; i < 2; i++) {
        dx += jitter * Math.sin(jitterWave[2 * i] * t + jitterWave[2 * i + 1]) / (i + 1);
        dy += jitter * Math.sin(jitterWave[4 + 2 * i] * t + jitterWave[5 + 2 * i]) / (i + 1);
      }
      dx = Math.max(-margin + 1, Math.min(margin - 1, dx));
      dy = Math.max(-margin + 1, Math.min(margin - 1, dy));
      g.drawImage(backdrop, (int) Math.round(dx) - margin, (int) Math.round(dy) - margin, null);
      g.translate(dx, dy);
      for (Distractor d : distractors) {
        if (!d.front) {
          d.draw(g, t, width, height);
        }
      }
      skeleton.draw(g, pose, actor, footX, groundY, scale, yaw, mirror);
      for (int i = 0; i < Skeleton.KEYPOINTS; i++) {
        double kx = skeleton.lastX(i);
        double ky = skeleton.lastY(i);
        boolean in = kx + dx >= 0 && kx + dx < width && ky + dy >= 0 && ky + dy < height;
        for (Occluder o : occluders) {
          in &= !(t >= o.t0 && t < o.t1 && o.box.contains(kx, ky));
        }
        keypoints[2 * i] = (float) ((kx + dx) / width);
        keypoints[2 * i + 1] = (float) ((ky + dy) / height);
        visible[i] = in;
      }
      for (Distractor d : distractors) {
        if (d.front) {
          d.draw(g, t, width, height);
        }
      }
      for (Occluder o : occluders) {
        if (t >= o.t0 && t < o.t1) {
          g.setColor(o.color);
          g.fill(o.box);
          if (o.striped) {
            g.setColor(o.color.darker());
            g.setStroke(new BasicStroke((float) Math.max(1, o.box.width / 8)));
            for (double x = o.box.x + o.box.width / 6; x < o.box.x + o.box.width; x += o.box.width / 3) {
              g.draw(new Line2D.Double(x, o.box.y, x, o.box.y + o.box.height));
            }
          }
        }
      }
    } finally {
      g.dispose();
    }
    sensor(img, t, frameSeed);
  }

  /**
   * The figure's keypoints in the last rendered frame, {@code x0, y0, x1, y1, ...} in image
   * coordinates normalized by width and height (camera jitter included), into {@code xy}.
   */
  void keypoints(float[] xy) {
    System.arraycopy(keypoints, 0, xy, 0, keypoints.length);
  }

  /** Whether each keypoint of the last frame was inside the picture and not behind an occluding box, into {@code v}. */
  void visible(boolean[] v) {
    System.arraycopy(visible, 0, v, 0, visible.length);
  }

  /** Lighting (gain, offset, flicker) and sensor noise, on the raw bytes. */
  private void sensor(BufferedImage img, double t, long frameSeed) {
    byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    double g = gain * (1 + flicker * Math.sin(2 * Math.PI * 1.3 * t));
    int[] lut = new int[256];
    for (int v = 0; v < 256; v++) {
      lut[v] = (int) Math.round(v * g + bias);
    }
    long s = frameSeed * 0x9E3779B97F4A7C15L | 1;
    int amp = (int) Math.round(noise * 2.45);
    for (int i = 0; i < px.length; i++) {
      int v = lut[px[i] & 0xff];
      if (amp > 0) {
        s ^= s << 13;
        s ^= s >>> 7;
        s ^= s << 17;
        // Sum of two uniforms: a triangular distribution with standard deviation about noise.
        v += (int) (((s & 0xffff) + ((s >>> 16) & 0xffff) - 0xffff) * amp >> 16);
      }
      px[i] = (byte) (v < 0 ? 0 : v > 255 ? 255 : v);
    }
  }

  private BufferedImage backdrop(SplittableRandom scene, SplittableRandom view) {
    int w = width + 2 * margin;
    int h = height + 2 * margin;
    BufferedImage bg = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = bg.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      Color wall = Skeleton.randomColor(scene);
      g.setPaint(new GradientPaint(0, 0, wall, 0, h, scene.nextBoolean() ? wall.darker() : wall.brighter()));
      g.fillRect(0, 0, w, h);
      int texture = scene.nextInt(4);
      Color ink = scene.nextBoolean() ? wall.darker() : wall.brighter();
      g.setColor(ink);
      double cell = Math.max(3, w / (4.0 + scene.nextInt(10)));
      switch (texture) {
        case 0 -> {
          for (double x = scene.nextDouble() * cell; x < w; x += cell) {
            g.fill(new Rectangle2D.Double(x, 0, cell / 2, h));
          }
        }
        case 1 -> {
          for (double y = 0; y < h; y += cell) {
            for (double x = ((int) (y / cell) % 2) * cell; x < w; x += 2 * cell) {
              g.fill(new Rectangle2D.Double(x, y, cell, cell));
            }
          }
        }
        case 2 -> {
          for (int i = 0; i < 25; i++) {
            g.setColor(new Color(ink.getRed(), ink.getGreen(), ink.getBlue(), 60 + scene.nextInt(120)));
            double r = cell * (0.3 + scene.nextDouble());
            g.fill(new Ellipse2D.Double(scene.nextDouble() * w - r, scene.nextDouble() * h - r, 2 * r, 2 * r));
          }
        }
        default -> { }
      }
      if (scene.nextDouble() < 0.75) {
        Color floor = Skeleton.randomColor(scene);
        int top = (int) Math.round(groundY + margin - scale * 0.02);
        g.setPaint(new GradientPaint(0, top, floor.brighter(), 0, h, floor.darker()));
        g.fillRect(0, top, w, h - top);
      }
      int shared = 2 + scene.nextInt(5);
      for (int i = 0; i < shared; i++) {
        clutter(g, scene, w, h);
      }
      int own = view.nextInt(4);
      for (int i = 0; i < own; i++) {
        clutter(g, view, w, h);
      }
    } finally {
      g.dispose();
    }
    return bg;
  }

  private void clutter(Graphics2D g, SplittableRandom r, int w, int h) {
    g.setColor(Skeleton.randomColor(r));
    double x = r.nextDouble() * w;
    double y = r.nextDouble() * h;
    double size = scale * (0.1 + 0.6 * r.nextDouble());
    switch (r.nextInt(4)) {
      case 0 -> g.fill(new Rectangle2D.Double(x, y, size, size * (0.3 + r.nextDouble() * 1.5)));
      case 1 -> g.fill(new Ellipse2D.Double(x, y, size, size * (0.5 + r.nextDouble())));
      default -> {
        // Poles and sticks: limb-like distractors.
        g.setStroke(new BasicStroke((float) Math.max(1, scale * (0.03 + 0.06 * r.nextDouble())),
            BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        double a = r.nextDouble() * Math.PI;
        g.draw(new Line2D.Double(x, y, x + size * Math.cos(a), y + size * Math.sin(a)));
      }
    }
  }

  private record Occluder(double t0, double t1, Rectangle2D.Double box, Color color, boolean striped) {}

  /** A moving shape: a bouncing ball, a swinging stick (periodic, like a waving arm) or a sliding box. */
  private record Distractor(int kind, double x, double y, double vx, double vy, double size, double freq,
      double phase, Color color, boolean front) {
    static Distractor random(SplittableRandom r, int w, int h, double scale) {
      double speed = scale * (0.3 + 1.2 * r.nextDouble());
      double angle = r.nextDouble() * 2 * Math.PI;
      return new Distractor(r.nextInt(3), r.nextDouble() * w, r.nextDouble() * h, speed * Math.cos(angle),
          speed * Math.sin(angle), scale * (0.08 + 0.2 * r.nextDouble()), 0.5 + 2 * r.nextDouble(),
          r.nextDouble() * 2 * Math.PI, Skeleton.randomColor(r), r.nextDouble() < 0.3);
    }

    void draw(Graphics2D g, double t, int w, int h) {
      g.setColor(color);
      double px = bounce(x + vx * t, w);
      double py = bounce(y + vy * t, h);
      switch (kind) {
        case 0 -> g.fill(new Ellipse2D.Double(px - size / 2, py - size / 2, size, size));
        case 1 -> {
          double a = Math.PI / 2 + 0.8 * Math.sin(2 * Math.PI * freq * t + phase);
          g.setStroke(new BasicStroke((float) Math.max(1, size / 3), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
          g.draw(new Line2D.Double(x, y, x + 2 * size * Math.cos(a), y + 2 * size * Math.sin(a)));
        }
        default -> g.fill(new Rectangle2D.Double(px - size, y, 2 * size, size));
      }
    }

    private static double bounce(double v, double span) {
      double m = v % (2 * span);
      if (m < 0) {
        m += 2 * span;
      }
      return m < span ? m : 2 * span - m;
    }
  }
}
