package io.vibstream.local.bench;

import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.flink.functions.PoseEstimatorFactory;
import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.model.pose.PoseEstimator;
import io.vibstream.model.pose.PoseFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The pose stage alone at the job's parallelism: one estimator per subtask, each on its own thread,
 * all started together. Camera {@code c} belongs to instance {@code c % parallelism} and its frames
 * go to it in order, in batches of {@code batch} frames that interleave the instance's cameras (as
 * the job's batcher does). Each camera first sends {@link #PRIME_FRAMES} frames, not timed, so
 * that its background model has learned (the motion detector finds nobody before); then
 * {@code framesPerCamera} timed frames. Frames are converted to BGR before the clock starts.
 */
public final class PoseStageBench {
  /** Frames a camera's background model needs before it finds people (MotionPersonDetector's warm-up). */
  public static final int PRIME_FRAMES = 20;

  /** Frames and persons per second of wall time, estimate ms per batch, persons per frame. */
  public record Result(double framesPerS, double personsPerS, double msPerBatch, double personsPerFrame, long frames) {}

  private PoseStageBench() {}

  /** Camera {@code c}'s frame {@code i}: scene frame {@code (c * scene / cameras + i) % scene}. */
  public static VideoFrame frameOf(List<VideoFrame> scene, int cameras, int c, long i) {
    return scene.get((int) ((c * (long) scene.size() / cameras + i) % scene.size()));
  }

  public static Result run(PoseEstimatorFactory factory, List<VideoFrame> scene, String[] cameraIds, int parallelism,
      int framesPerCamera, int batch) throws Exception {
    List<List<List<PoseFrame>>> prime = new ArrayList<>();
    List<List<List<PoseFrame>>> timed = new ArrayList<>();
    for (int s = 0; s < parallelism; s++) {
      prime.add(batches(scene, cameraIds, s, parallelism, 0, PRIME_FRAMES, batch));
      timed.add(batches(scene, cameraIds, s, parallelism, PRIME_FRAMES, framesPerCamera, batch));
    }
    ExecutorService pool = Executors.newFixedThreadPool(parallelism);
    CountDownLatch ready = new CountDownLatch(parallelism);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<long[]>> runs = new ArrayList<>();
      for (int s = 0; s < parallelism; s++) {
        int subtask = s;
        runs.add(pool.submit(() -> {
          try (PoseEstimator estimator = factory.open()) {
            for (List<PoseFrame> b : prime.get(subtask)) {
              estimator.estimate(b);
            }
            ready.countDown();
            go.await();
            long persons = 0;
            long nanos = 0;
            for (List<PoseFrame> b : timed.get(subtask)) {
              long t0 = System.nanoTime();
              persons += estimator.estimate(b).stream().mapToInt(List::size).sum();
              nanos += System.nanoTime() - t0;
            }
            return new long[] {persons, nanos, timed.get(subtask).size()};
          } finally {
            ready.countDown();
          }
        }));
      }
      ready.await();
      long start = System.nanoTime();
      go.countDown();
      long persons = 0;
      long nanos = 0;
      long batches = 0;
      for (Future<long[]> f : runs) {
        long[] r = f.get();
        persons += r[0];
        nanos += r[1];
        batches += r[2];
      }
      double wall = (System.nanoTime() - start) / 1e9;
      long frames = (long) framesPerCamera * cameraIds.length;
      return new Result(frames / wall, persons / wall, nanos / 1e6 / Math.max(1, batches),
          persons / (double) Math.max(1, frames), frames);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Instance {@code subtask}'s batches of frames {@code from .. from + n - 1} of each of its cameras. */
  private static List<List<PoseFrame>> batches(List<VideoFrame> scene, String[] ids, int subtask, int parallelism,
      int from, int n, int batch) {
    List<PoseFrame> frames = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      for (int c = subtask; c < ids.length; c += parallelism) {
        DecodedFrame d = DecodedFrame.of(ids[c], i, i * 100L, frameOf(scene, ids.length, c, i).image());
        frames.add(new PoseFrame(d.cameraId(), d.sequenceNumber(), d.captureTimestamp(), d.width(), d.height(),
            d.bgr()));
      }
    }
    List<List<PoseFrame>> out = new ArrayList<>();
    for (int i = 0; i < frames.size(); i += batch) {
      out.add(frames.subList(i, Math.min(frames.size(), i + batch)));
    }
    return out;
  }
}
