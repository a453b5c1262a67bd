package io.vibstream.local.demo;

import io.vibstream.connectors.synth.SyntheticCamera;
import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.connectors.video.VideoSource;
import io.vibstream.local.bench.CameraFleet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * One of the demo's synthetic cameras: a script of actions it loops over, and the ground truth of
 * every frame it published (index = the frame's sequence number), against which its events are scored.
 */
public final class ScriptedCamera {
  private final String name;
  private final long seed;
  private final String script;
  private final List<String> truth = Collections.synchronizedList(new ArrayList<>());

  public ScriptedCamera(String name, long seed, String script) {
    this.name = name;
    this.seed = seed;
    this.script = script;
  }

  /**
   * Every one of {@code labels} once, shuffled by {@code random}, {@code minSeconds..maxSeconds}
   * each, as a synthetic camera's script ({@code label:seconds,...}).
   */
  public static String script(List<String> labels, Random random, int minSeconds, int maxSeconds) {
    List<String> order = new ArrayList<>(labels);
    Collections.shuffle(order, random);
    List<String> parts = new ArrayList<>();
    for (String label : order) {
      int s = minSeconds + random.nextInt(Math.max(1, maxSeconds - minSeconds + 1));
      parts.add(label + ":" + s);
    }
    return String.join(",", parts);
  }

  public String name() {
    return name;
  }

  public String script() {
    return script;
  }

  /** This camera as a realtime, looping {@code synth://} camera of {@code size} at {@code fps}, to the broker. */
  public CameraFleet.Camera camera(String bootstrap, String size, double fps) {
    String url = "synth://" + name + "?seed=" + seed + "&fps=" + fps + "&size=" + size + "&script=" + script
        + "&realtime=true&loop=true";
    return CameraFleet.Camera.of(bootstrap, name, () -> recording(SyntheticCamera.open(url)));
  }

  /** The label of frames first..last if they all share one, else null. */
  public String truthOf(long first, long last) {
    synchronized (truth) {
      if (first < 0 || last >= truth.size() || first > last) {
        return null;
      }
      String label = truth.get((int) first);
      for (long i = first + 1; i <= last; i++) {
        if (!Objects.equals(label, truth.get((int) i))) {
          return null;
        }
      }
      return label;
    }
  }

  /** The label of frame {@code seq}, or {@code ?} if it was not published. */
  public String labelAt(long seq) {
    synchronized (truth) {
      return seq >= 0 && seq < truth.size() ? truth.get((int) seq) : "?";
    }
  }

  /** The label of the latest frame, or {@code -} before the first. */
  public String currentLabel() {
    synchronized (truth) {
      return truth.isEmpty() ? "-" : truth.get(truth.size() - 1);
    }
  }

  /** {@code camera}, recording the label of every frame it returns (the publisher numbers them from 0). */
  private VideoSource recording(SyntheticCamera camera) {
    return new VideoSource() {
      @Override
      public VideoFrame next() throws IOException {
        VideoFrame f = camera.next();
        if (f != null) {
          truth.add(f.groundTruth());
        }
        return f;
      }

      @Override
      public double frameRate() {
        return camera.frameRate();
      }

      @Override
      public void close() {
        camera.close();
      }
    };
  }
}
