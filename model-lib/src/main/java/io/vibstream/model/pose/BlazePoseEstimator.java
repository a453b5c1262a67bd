package io.vibstream.model.pose;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pose stage for fixed surveillance cameras with many small people: per camera, people are
 * found by motion ({@link MotionPersonDetector}: background subtraction and blobs, HOG inside blobs
 * too wide for one person, and every {@link Settings#staticEvery()} frames HOG over the whole frame
 * for people standing still); each person gets a square crop of 1.25 x its box, MediaPipe's BlazePose
 * landmark model (lite by default) runs on it, optionally (off by default) a second time on a crop
 * re-centered on the skeleton found; poses with low presence or implausible proportions are
 * dropped; the 33 landmarks become the project's 17 joints in frame pixels.
 *
 * <p>All frames of one {@link #estimate} call are detected first; their crops are then shared out
 * among {@link Settings#landmarkThreads()} interpreters, the calling thread running one of them and
 * one helper thread each of the others, so that a frame of many people is not one long run of
 * crops on one core while another is idle. Each crop's result is the same whichever interpreter
 * runs it. A camera's first {@link MotionPersonDetector#WARM_UP_FRAMES} frames yield no people
 * while its background model learns. Not thread-safe.
 */
public final class BlazePoseEstimator implements PoseEstimator {
  /**
   * Settings.
   *
   * @param landmark landmark model variant (lite: faster; full: a little more precise)
   * @param secondPass run the landmark model again on a crop around the first pass's skeleton
   * @param minPresence pose presence below which a person is dropped
   * @param minPersonHeight smallest person, in frame pixels, that motion detection reports
   * @param staticEvery every this many frames of a camera, HOG over the whole frame looks for people
   *     standing still (part of the background model), who are then reported until the next HOG
   *     frame; 0: off (motion only). Costs about 200 ms per HOG frame for 768x576.
   * @param landmarkThreads landmark interpreters, each on its own thread (the caller's included),
   *     among which a call's crops are shared out; 1: all crops on the calling thread
   */
  public record Settings(PoseModels.Landmark landmark, boolean secondPass, float minPresence, int minPersonHeight,
      int staticEvery, int landmarkThreads) {
    public Settings {
      if (staticEvery < 0) {
        throw new IllegalArgumentException("staticEvery < 0: " + staticEvery);
      }
      if (landmarkThreads < 1 || landmarkThreads > 64) {
        throw new IllegalArgumentException("landmarkThreads must be in [1, 64]: " + landmarkThreads);
      }
    }

    /**
     * Lite model, no second pass (it doubles the landmark cost; motion boxes already frame the
     * person), presence >= 0.5, people from 40 px tall, static people searched every 10 frames,
     * crops shared between 2 interpreters.
     */
    public static Settings defaults() {
      return new Settings(PoseModels.Landmark.LITE, false, 0.5f, 40, 10, 2);
    }

    public Settings withLandmark(PoseModels.Landmark variant) {
      return new Settings(variant, secondPass, minPresence, minPersonHeight, staticEvery, landmarkThreads);
    }

    public Settings withSecondPass(boolean on) {
      return new Settings(landmark, on, minPresence, minPersonHeight, staticEvery, landmarkThreads);
    }

    public Settings withStaticEvery(int frames) {
      return new Settings(landmark, secondPass, minPresence, minPersonHeight, frames, landmarkThreads);
    }

    public Settings withLandmarkThreads(int threads) {
      return new Settings(landmark, secondPass, minPresence, minPersonHeight, staticEvery, threads);
    }
  }

  private final Settings options;
  private final MotionPersonDetector detector;
  /** One interpreter per landmark thread; the first is the calling thread's. */
  private final BlazePoseLandmarker[] landmarkers;
  /** The helper threads of landmarkers 1.., null with one landmark thread. */
  private final ExecutorService helpers;
  private final AtomicLong rejected = new AtomicLong();

  /** An estimator with {@link Settings#defaults()} on the models in {@code models}. */
  public BlazePoseEstimator(PoseModels models) {
    this(models, Settings.defaults());
  }

  /** An estimator on the models in {@code models}; the landmark file is verified before loading. */
  public BlazePoseEstimator(PoseModels models, Settings options) {
    this.options = options;
    landmarkers = new BlazePoseLandmarker[options.landmarkThreads()];
    try {
      for (int i = 0; i < landmarkers.length; i++) {
        landmarkers[i] = new BlazePoseLandmarker(models.landmark(options.landmark()));
      }
      detector = new MotionPersonDetector(options.minPersonHeight(), options.staticEvery());
    } catch (RuntimeException | Error e) {
      closeLandmarkers();
      throw e;
    }
    helpers = landmarkers.length == 1 ? null : Executors.newFixedThreadPool(landmarkers.length - 1, r -> {
      Thread t = new Thread(r, "blazepose-landmarks");
      t.setDaemon(true);
      return t;
    });
  }

  public Settings options() {
    return options;
  }

  /** Skeletons dropped so far as implausible (e.g. two merged people). */
  public long rejectedSkeletons() {
    return rejected.get();
  }

  @Override
  public List<List<PersonPose>> estimate(List<PoseFrame> frames) {
    List<PoseFrame> crops = new ArrayList<>();
    List<PersonBox> boxes = new ArrayList<>();
    int[] perFrame = new int[frames.size()];
    for (int f = 0; f < frames.size(); f++) {
      List<PersonBox> found = detector.detect(frames.get(f));
      perFrame[f] = found.size();
      for (PersonBox box : found) {
        crops.add(frames.get(f));
        boxes.add(box);
      }
    }
    PersonPose[] poses = new PersonPose[boxes.size()];
    int lanes = Math.min(landmarkers.length, boxes.size());
    List<Future<?>> running = new ArrayList<>(Math.max(0, lanes - 1));
    for (int lane = 1; lane < lanes; lane++) {
      int l = lane;
      running.add(helpers.submit(() -> runLane(l, lanes, crops, boxes, poses)));
    }
    try {
      if (lanes > 0) {
        runLane(0, lanes, crops, boxes, poses);
      }
    } finally {
      awaitAll(running);
    }
    List<List<PersonPose>> out = new ArrayList<>(frames.size());
    int next = 0;
    for (int count : perFrame) {
      List<PersonPose> people = new ArrayList<>(count);
      for (int i = 0; i < count; i++, next++) {
        if (poses[next] != null) {
          people.add(poses[next]);
        }
      }
      out.add(people);
    }
    return out;
  }

  /** Crops {@code lane}, {@code lane + lanes}, ... on landmarker {@code lane}. */
  private void runLane(int lane, int lanes, List<PoseFrame> crops, List<PersonBox> boxes, PersonPose[] poses) {
    for (int i = lane; i < poses.length; i += lanes) {
      poses[i] = landmarks(landmarkers[lane], crops.get(i), boxes.get(i));
    }
  }

  private static void awaitAll(List<Future<?>> running) {
    RuntimeException failure = null;
    boolean interrupted = false;
    for (Future<?> f : running) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the lanes share this call's arrays: wait for every one of them
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (failure == null) {
            failure = cause instanceof RuntimeException r ? r : new IllegalStateException("landmark thread failed", cause);
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The pose of the person in {@code box} on the calling thread, or null when absent or implausible. */
  PersonPose landmarks(PoseFrame frame, PersonBox box) {
    return landmarks(landmarkers[0], frame, box);
  }

  /** The pose of the person in {@code box}, or null when absent or implausible. */
  private PersonPose landmarks(BlazePoseLandmarker landmarker, PoseFrame frame, PersonBox box) {
    BlazePoseLandmarks p = landmarker.run(frame, PersonCrop.around(box));
    if (p.presence() < options.minPresence()) {
      return null;
    }
    if (options.secondPass()) {
      PersonBox body = headroom(p.extent());
      if (body.height() > 0.3f * box.height() && body.height() < 2.5f * box.height()) {
        BlazePoseLandmarks again = landmarker.run(frame, PersonCrop.around(body));
        if (again.presence() >= options.minPresence()) {
          p = again;
        }
      }
    }
    if (SkeletonCheck.reject(p, box) != null) {
      rejected.incrementAndGet();
      return null;
    }
    return p.toPose(box);
  }

  /** The landmarks' extent with room above the nose for the top of the head. */
  private static PersonBox headroom(PersonBox b) {
    float top = 0.1f * b.height();
    return new PersonBox(b.x(), b.y() - top, b.width(), b.height() + top);
  }

  @Override
  public void resetCamera(String cameraId) {
    detector.resetCamera(cameraId);
  }

  @Override
  public void close() {
    try {
      detector.close();
    } finally {
      if (helpers != null) {
        helpers.shutdownNow(); // idle between calls: no crop is running
      }
      closeLandmarkers();
    }
  }

  private void closeLandmarkers() {
    for (BlazePoseLandmarker l : landmarkers) {
      if (l != null) {
        l.close();
      }
    }
  }
}
