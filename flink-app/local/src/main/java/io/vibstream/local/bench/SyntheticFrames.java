package io.vibstream.local.bench;

import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.synth.SyntheticCamera;
import io.vibstream.connectors.video.VideoFrame;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Frames of synthetic cameras ({@code synth://NAME?seed=S&size=WxH}, looping, not realtime) for
 * the benches: rendered beforehand, so that drawing the scenes is not counted as the pipeline's
 * work, or preloaded into Kafka as JPEG.
 */
public final class SyntheticFrames {
  private SyntheticFrames() {}

  /** {@code n} frames of the synthetic camera {@code name} with {@code seed} at {@code size}, as fast as it draws. */
  public static List<VideoFrame> render(String name, int seed, String size, int n) throws IOException {
    List<VideoFrame> out = new ArrayList<>(n);
    try (SyntheticCamera camera = SyntheticCamera.open(url(name, seed, size))) {
      for (int i = 0; i < n; i++) {
        out.add(camera.next());
      }
    }
    return out;
  }

  /**
   * Publishes {@code frames} JPEG frames of each of {@code cameras} cameras ({@code cam0}, {@code cam1}, ...
   * with seeds 1, 2, ...) to {@code topic}, two cameras at a time, and returns when all are written.
   */
  public static void preload(String bootstrap, String topic, int cameras, int frames, String size) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(cameras, 2));
    try {
      List<Future<CameraPublisher.Stats>> runs = new ArrayList<>();
      for (int i = 0; i < cameras; i++) {
        String name = "cam" + i;
        String url = url(name, i + 1, size);
        runs.add(pool.submit(() -> {
          try (CameraPublisher p = CameraPublisher.create(bootstrap, topic, name);
              SyntheticCamera camera = SyntheticCamera.open(url)) {
            return p.run(camera, frames);
          }
        }));
      }
      for (Future<CameraPublisher.Stats> f : runs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static String url(String name, int seed, String size) {
    return "synth://" + name + "?seed=" + seed + "&size=" + size + "&realtime=false&loop=true";
  }
}
