package io.vibstream.flink.job;

import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.connectors.video.VideoSource;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * A test camera whose actions show only in how the picture changes over time: each action is a
 * color rhythm of its own period ({@code walk} 16 frames, {@code wave} 4, {@code jump} 2), and the
 * {@link Scene} decides which color carries it. The camera plays one action per segment of
 * {@code segmentFrames} frames, in turn through its scene's actions; {@link #shift} changes the
 * scene from the next segment on. Every frame's action and scene are kept by sequence number (the
 * n-th frame {@link #next()} returns has sequence number n at its publisher). 25 frames per second,
 * 32x32 pixels.
 */
final class RhythmCamera implements VideoSource {
  private static final int SIZE = 32;
  private static final double FPS = 25;

  /** Where the camera films. */
  enum Scene {
    /** Warm light; the action shows in the red of the whole picture. */
    DAYLIGHT(List.of("walk", "wave")),
    /**
     * Night light that flickers red at period 4 whatever happens; the action shows in the balance
     * of green and blue (the brightness does not follow it), and there is a new action,
     * {@code jump}.
     */
    NIGHT(List.of("walk", "wave", "jump"));

    final List<String> actions;

    Scene(List<String> actions) {
      this.actions = actions;
    }
  }

  /** What one frame showed. */
  record Shown(String action, Scene scene) {}

  private final Random random;
  private final int segmentFrames;
  private final int firstAction;
  private final List<Shown> shown = new ArrayList<>();
  private volatile Scene requested = Scene.DAYLIGHT;
  private Scene scene;
  private String action;
  private int phase;
  private float[] level;
  private long frame;

  RhythmCamera(long seed, int segmentFrames) {
    this.random = new Random(seed);
    this.segmentFrames = segmentFrames;
    this.firstAction = random.nextInt(6);
  }

  /** Films {@code next} from the next segment on. Thread-safe. */
  void shift(Scene next) {
    requested = Objects.requireNonNull(next);
  }

  /** What frames {@code first..last} showed if they all showed one action in one scene, else null. */
  Shown truthOf(long first, long last) {
    synchronized (shown) {
      if (first < 0 || last >= shown.size() || first > last) {
        return null;
      }
      Shown s = shown.get((int) first);
      for (long i = first + 1; i <= last; i++) {
        if (!s.equals(shown.get((int) i))) {
          return null;
        }
      }
      return s;
    }
  }

  @Override
  public VideoFrame next() {
    long segment = frame / segmentFrames;
    if (frame % segmentFrames == 0) {
      scene = requested;
      action = scene.actions.get((int) ((segment + firstAction) % scene.actions.size()));
      phase = random.nextInt(16);
      level = jitter(random);
    }
    BufferedImage image = render(scene, action, (int) (frame % segmentFrames) + phase, level, random);
    synchronized (shown) {
      shown.add(new Shown(action, scene));
    }
    return new VideoFrame(image, Math.round(frame++ * 1e6 / FPS), action);
  }

  @Override
  public double frameRate() {
    return FPS;
  }

  @Override
  public void close() {}

  /** Rendered frames of one clip of {@code action} in {@code scene}, from a random phase and light level. */
  static List<BufferedImage> clip(Scene scene, String action, int frames, Random random) {
    int start = random.nextInt(16);
    float[] level = jitter(random);
    List<BufferedImage> out = new ArrayList<>(frames);
    for (int t = 0; t < frames; t++) {
      out.add(render(scene, action, start + t, level, random));
    }
    return out;
  }

  /** Per-segment light level offsets of red, green and blue. */
  private static float[] jitter(Random random) {
    return new float[] {(float) (0.05 * random.nextGaussian()), (float) (0.05 * random.nextGaussian()),
        (float) (0.05 * random.nextGaussian())};
  }

  /** Frame {@code t} of {@code action}'s rhythm in {@code scene}: one flat color, a little noise per frame. */
  private static BufferedImage render(Scene scene, String action, int t, float[] level, Random random) {
    double rhythm = Math.cos(2 * Math.PI * t / period(action));
    double[] rgb = scene == Scene.DAYLIGHT
        ? new double[] {0.45 + 0.25 * rhythm, 0.40, 0.30}
        : new double[] {0.30 + 0.25 * Math.cos(2 * Math.PI * t / 4), 0.45 - 0.25 * rhythm, 0.45 + 0.25 * rhythm};
    byte[] pixel = new byte[3];
    for (int c = 0; c < 3; c++) {
      double v = rgb[c] + level[c] + 0.02 * random.nextGaussian();
      pixel[2 - c] = (byte) Math.round(255 * Math.max(0, Math.min(1, v)));
    }
    BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < bgr.length; i += 3) {
      System.arraycopy(pixel, 0, bgr, i, 3);
    }
    return image;
  }

  private static int period(String action) {
    return switch (action) {
      case "walk" -> 16;
      case "wave" -> 4;
      case "jump" -> 2;
      default -> throw new IllegalArgumentException("unknown action " + action);
    };
  }
}
