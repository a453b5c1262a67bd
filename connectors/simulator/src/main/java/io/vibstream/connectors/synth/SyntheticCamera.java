package io.vibstream.connectors.synth;

import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.connectors.video.VideoSource;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A simulated live camera: one actor in one scene performing a script of actions, rendered on
 * demand, with the action shown as every frame's ground truth.
 *
 * <p>URL: {@code synth://NAME?seed=7&fps=25&size=224x224&script=walk:4,wave:3,fall:2&realtime=true&loop=true}.
 * All parameters are optional: the seed defaults to a hash of NAME, fps to 25, size to 224x224;
 * the default script runs every action for 3-5 s in turn. Scripts repeat unless {@code loop=false}
 * (then the stream ends after one pass). With {@code realtime=true} (default) {@link #next()} paces
 * frames to the wall clock and, like a real camera, drops frames a slow reader missed; with
 * {@code realtime=false} it renders as fast as it is asked. {@code scene=S:G} films the actor and
 * scene of group G of the data set {@code synth --seed S} writes (a camera installed where
 * training clips were recorded); by default the scene comes from the seed.
 */
public final class SyntheticCamera implements VideoSource {
  private final String name;
  private final double fps;
  private final int width;
  private final int height;
  private final boolean realtime;
  private final boolean loop;
  private final List<Action> actions = new ArrayList<>();
  private final List<Double> seconds = new ArrayList<>();
  private final boolean randomDurations;
  private final SplittableRandom random;
  private final long seed;
  private final Performer performer;
  private long frame;
  private long startNanos = -1;
  private int segment = -1;
  private double segmentEnd;
  private boolean closed;

  private SyntheticCamera(String name, long seed, Long sceneSeed, double fps, int width, int height, String script,
      boolean realtime, boolean loop) {
    this.name = name;
    this.seed = seed;
    this.fps = fps;
    this.width = width;
    this.height = height;
    this.realtime = realtime;
    this.loop = loop;
    this.random = new SplittableRandom(SyntheticVideos.mix(seed, 3, 0));
    if (script == null) {
      randomDurations = true;
      for (Action a : Action.values()) {
        actions.add(a);
        seconds.add(0.0);
      }
    } else {
      randomDurations = false;
      for (String entry : script.split(",")) {
        String[] parts = entry.split(":");
        if (parts.length != 2) {
          throw new IllegalArgumentException("script entry '" + entry + "' must be action:seconds");
        }
        Action a = Action.of(parts[0]);
        double s = number(parts[1], "script duration of " + parts[0]);
        if (!(s > 0)) {
          throw new IllegalArgumentException("script duration of " + parts[0] + " must be > 0, got " + parts[1]);
        }
        actions.add(a);
        seconds.add(s);
      }
    }
    Stage stage = new Stage(sceneSeed != null ? sceneSeed : SyntheticVideos.mix(seed, 1, 0),
        SyntheticVideos.mix(seed, 2, 0), width, height);
    performer = new Performer(stage, new SplittableRandom(SyntheticVideos.mix(seed, 4, 0)));
  }

  /**
   * Opens a camera from its URL (see the class comment).
   *
   * @throws IllegalArgumentException one line saying what is wrong with the URL
   */
  public static SyntheticCamera open(String url) {
    try {
      URI uri = new URI(url);
      if (!"synth".equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalArgumentException("scheme must be synth://");
      }
      String name = uri.getAuthority() == null ? "" : uri.getAuthority();
      if (name.isEmpty()) {
        throw new IllegalArgumentException("camera name missing (synth://NAME?...)");
      }
      Map<String, String> params = new LinkedHashMap<>();
      if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
        for (String kv : uri.getRawQuery().split("&")) {
          int eq = kv.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("parameter '" + kv + "' must be key=value");
          }
          params.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      long seed = name.hashCode();
      double fps = 25;
      int w = 224;
      int h = 224;
      String script = null;
      boolean realtime = true;
      boolean loop = true;
      Long sceneSeed = null;
      for (var e : params.entrySet()) {
        String v = e.getValue();
        switch (e.getKey()) {
          case "seed" -> seed = (long) number(v, "seed");
          case "fps" -> {
            fps = number(v, "fps");
            if (!(fps > 0 && fps <= 240)) {
              throw new IllegalArgumentException("fps must be in (0, 240], got " + v);
            }
          }
          case "size" -> {
            String[] wh = v.toLowerCase().split("x");
            if (wh.length != 2) {
              throw new IllegalArgumentException("size must be WxH, got " + v);
            }
            w = (int) number(wh[0], "width");
            h = (int) number(wh[1], "height");
            if (w < 16 || h < 16 || w > 4096 || h > 4096) {
              throw new IllegalArgumentException("size must be 16..4096 a side, got " + v);
            }
          }
          case "script" -> script = v;
          case "realtime" -> realtime = bool(v, "realtime");
          case "loop" -> loop = bool(v, "loop");
          case "scene" -> {
            String[] sg = v.split(":");
            if (sg.length != 2) {
              throw new IllegalArgumentException("scene must be SEED:GROUP, got " + v);
            }
            int group = (int) number(sg[1], "scene group");
            if (group < 1) {
              throw new IllegalArgumentException("scene group must be >= 1, got " + v);
            }
            sceneSeed = SyntheticVideos.sceneSeed((long) number(sg[0], "scene seed"), group);
          }
          default -> throw new IllegalArgumentException("unknown parameter '" + e.getKey()
              + "' (known: seed, fps, size, script, realtime, loop, scene)");
        }
      }
      return new SyntheticCamera(name, seed, sceneSeed, fps, w, h, script, realtime, loop);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("bad camera URL '" + url + "': " + e.getReason());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad camera URL '" + url + "': " + e.getMessage(), e);
    }
  }

  private static double number(String v, String what) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a number, got '" + v + "'");
    }
  }

  private static boolean bool(String v, String what) {
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new IllegalArgumentException(what + " must be true or false, got '" + v + "'");
  }

  /** The camera's name (the URL's host part). */
  public String name() {
    return name;
  }

  /** The seed the scene and script are drawn from. */
  public long seed() {
    return seed;
  }

  /** Frame width in pixels. */
  public int width() {
    return width;
  }

  /** Frame height in pixels. */
  public int height() {
    return height;
  }

  @Override
  public VideoFrame next() throws IOException {
    if (closed) {
      return null;
    }
    if (realtime) {
      long now = System.nanoTime();
      if (startNanos < 0) {
        startNanos = now;
      }
      // A live camera does not wait for a slow reader: skip to the frame due now.
      frame = Math.max(frame, (long) Math.floor((now - startNanos) * fps / 1e9));
      long due = startNanos + (long) Math.ceil(frame * 1e9 / fps);
      long wait = due - now;
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("synthetic camera " + name + " interrupted");
        }
      }
    }
    double t = frame / fps;
    while (segment < 0 || t >= segmentEnd) {
      int nextSegment = segment + 1;
      if (!loop && nextSegment >= actions.size()) {
        return null;
      }
      double start = segment < 0 ? 0 : segmentEnd;
      int i = nextSegment % actions.size();
      double length = randomDurations ? 3 + 2 * random.nextDouble() : seconds.get(i);
      segment = nextSegment;
      segmentEnd = start + length;
      performer.start(actions.get(i), start, length);
    }
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    performer.render(img, t, SyntheticVideos.mix(seed, 5, frame));
    VideoFrame out = new VideoFrame(img, Math.round(t * 1e6), performer.action().label());
    frame++;
    return out;
  }

  @Override
  public double frameRate() {
    return fps;
  }

  @Override
  public void close() {
    closed = true;
  }
}
