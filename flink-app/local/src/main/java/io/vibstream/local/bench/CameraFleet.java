package io.vibstream.local.bench;

import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.connectors.video.VideoSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Cameras that publish frames, each from its own daemon thread until its source ends or it is
 * stopped: the live workload of the demo, {@code bench swap} and {@code soak}. {@link #close()}
 * stops them, ends the threads and closes the publishers.
 */
public final class CameraFleet implements AutoCloseable {
  /** One camera: its publisher and the source it publishes (opened on the camera's thread). */
  public record Camera(String name, CameraPublisher publisher, SourceOpener source) {
    /** A camera publishing {@code source} to the frames topic of the broker at {@code bootstrap}. */
    public static Camera of(String bootstrap, String name, SourceOpener source) {
      return new Camera(name, CameraPublisher.create(bootstrap, Topic.FRAMES.topicName(), name), source);
    }
  }

  /** Opens a camera's source. */
  @FunctionalInterface
  public interface SourceOpener {
    VideoSource open() throws Exception;
  }

  private final Map<String, CameraPublisher> publishers = new LinkedHashMap<>();
  private final Map<String, Future<CameraPublisher.Stats>> running = new LinkedHashMap<>();
  private final ExecutorService pool;

  private CameraFleet(int size, String threadName) {
    pool = Executors.newFixedThreadPool(size, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts every camera on a thread named {@code threadName}. */
  public static CameraFleet start(List<Camera> cameras, String threadName) {
    CameraFleet fleet = new CameraFleet(Math.max(1, cameras.size()), threadName);
    for (Camera c : cameras) {
      fleet.publishers.put(c.name(), c.publisher());
      fleet.running.put(c.name(), fleet.pool.submit(() -> {
        try (VideoSource source = c.source().open()) {
          return c.publisher().run(source, 0);
        }
      }));
    }
    return fleet;
  }

  /** Throws what a camera failed with, or that one ended: the cameras loop until stopped. */
  public void checkRunning() throws Exception {
    for (Map.Entry<String, Future<CameraPublisher.Stats>> e : running.entrySet()) {
      if (e.getValue().isDone()) {
        e.getValue().get();
        throw new IllegalStateException("camera " + e.getKey() + " stopped before the end");
      }
    }
  }

  /** Stops every camera and waits up to {@code timeout} each for it to end (a failure is thrown). */
  public void stop(Duration timeout) throws Exception {
    publishers.values().forEach(CameraPublisher::stop);
    for (Future<CameraPublisher.Stats> f : running.values()) {
      f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Each camera's counts so far, by name. */
  public Map<String, CameraPublisher.Stats> stats() {
    Map<String, CameraPublisher.Stats> stats = new LinkedHashMap<>();
    publishers.forEach((name, p) -> stats.put(name, p.stats()));
    return stats;
  }

  /** Frames published so far (acknowledged by Kafka), all cameras together. */
  public long published() {
    return publishers.values().stream().mapToLong(CameraPublisher::published).sum();
  }

  @Override
  public void close() throws InterruptedException {
    publishers.values().forEach(CameraPublisher::stop);
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    publishers.values().forEach(CameraPublisher::close);
  }
}
