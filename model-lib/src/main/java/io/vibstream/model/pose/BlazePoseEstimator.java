package io.vibstream.model.pose;

import java.util.ArrayList;
import java.util.List;

/**
 * The pose stage for fixed surveillance cameras with many small people: per camera, people are
 * found by motion ({@link MotionPersonDetector}: background subtraction and blobs, HOG inside blobs
 * too wide for one person, and every {@link Settings#staticEvery()} frames HOG over the whole frame
 * for people standing still); each person gets a square crop of 1.25 x its box, MediaPipe's BlazePose
 * landmark model (lite by default) runs on it, optionally (off by default) a second time on a crop
 * re-centered on the skeleton found; poses with low presence or implausible proportions are
 * dropped; the 33 landmarks become the project's 17 joints in frame pixels.
 *
 * <p>All frames of one {@link #estimate} call are detected first and their crops then run through
 * one interpreter one after another. A camera's first {@link MotionPersonDetector#WARM_UP_FRAMES}
 * frames yield no people while its background model learns. Not thread-safe.
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
   */
  public record Settings(PoseModels.Landmark landmark, boolean secondPass, float minPresence, int minPersonHeight,
      int staticEvery) {
    public Settings {
      if (staticEvery < 0) {
        throw new IllegalArgumentException("staticEvery < 0: " + staticEvery);
      }
    }

    /**
     * Lite model, no second pass (it doubles the landmark cost; motion boxes already frame the
     * person), presence >= 0.5, people from 40 px tall, static people searched every 10 frames.
     */
    public static Settings defaults() {
      return new Settings(PoseModels.Landmark.LITE, false, 0.5f, 40, 10);
    }

    public Settings withLandmark(PoseModels.Landmark variant) {
      return new Settings(variant, secondPass, minPresence, minPersonHeight, staticEvery);
    }

    public Settings withSecondPass(boolean on) {
      return new Settings(landmark, on, minPresence, minPersonHeight, staticEvery);
    }

    public Settings withStaticEvery(int frames) {
      return new Settings(landmark, secondPass, minPresence, minPersonHeight, frames);
    }
  }

  private final Settings options;
  private final MotionPersonDetector detector;
  private final BlazePoseLandmarker landmarker;
  private long rejected;

  /** An estimator with {@link Settings#defaults()} on the models in {@code models}. */
  public BlazePoseEstimator(PoseModels models) {
    this(models, Settings.defaults());
  }

  /** An estimator on the models in {@code models}; the landmark file is verified before loading. */
  public BlazePoseEstimator(PoseModels models, Settings options) {
    this.options = options;
    BlazePoseLandmarker lm = new BlazePoseLandmarker(models.landmark(options.landmark()));
    try {
      detector = new MotionPersonDetector(options.minPersonHeight(), options.staticEvery());
    } catch (RuntimeException | Error e) {
      lm.close();
      throw e;
    }
    landmarker = lm;
  }

  public Settings options() {
    return options;
  }

  /** Skeletons dropped so far as implausible (e.g. two merged people). */
  public long rejectedSkeletons() {
    return rejected;
  }

  @Override
  public List<List<PersonPose>> estimate(List<PoseFrame> frames) {
    List<List<PersonBox>> boxes = new ArrayList<>(frames.size());
    for (PoseFrame frame : frames) {
      boxes.add(detector.detect(frame));
    }
    List<List<PersonPose>> out = new ArrayList<>(frames.size());
    for (int f = 0; f < frames.size(); f++) {
      PoseFrame frame = frames.get(f);
      List<PersonPose> people = new ArrayList<>(boxes.get(f).size());
      for (PersonBox box : boxes.get(f)) {
        PersonPose pose = landmarks(frame, box);
        if (pose != null) {
          people.add(pose);
        }
      }
      out.add(people);
    }
    return out;
  }

  /** The pose of the person in {@code box}, or null when absent or implausible. */
  PersonPose landmarks(PoseFrame frame, PersonBox box) {
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
      rejected++;
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
      landmarker.close();
    }
  }
}
