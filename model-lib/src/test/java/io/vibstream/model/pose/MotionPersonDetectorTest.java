package io.vibstream.model.pose;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The static-person pass (HOG over the whole frame every N frames) on the real clip vtest.avi. */
class MotionPersonDetectorTest {
  /** The man in the black coat standing on the square in frames 570-590, pelvis checked by eye at about (655, 355). */
  private static final float MAN_X = 655;
  private static final float MAN_Y = 355;

  private static boolean hit(List<PersonBox> boxes, float x, float y) {
    for (PersonBox b : boxes) {
      if (x >= b.x() && x <= b.x() + b.width() && y >= b.y() && y <= b.y() + b.height()) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aPersonStandingStillIsFoundByTheHogPassAndKept() throws Exception {
    List<PoseFrame> frames = VtestFrames.read("vtest", 517, 590);
    int motionHits = 0;
    int staticHits = 0;
    int checked = 0;
    try (MotionPersonDetector motion = new MotionPersonDetector(40, 0);
        MotionPersonDetector both = new MotionPersonDetector(40, 10, true)) {
      for (PoseFrame f : frames) {
        List<PersonBox> m = motion.detect(f);
        List<PersonBox> b = both.detect(f);
        // The camera's 60th frame (576) is a HOG frame; from then on the man must be reported every frame.
        if (f.sequenceNumber() >= 576) {
          checked++;
          motionHits += hit(m, MAN_X, MAN_Y) ? 1 : 0;
          staticHits += hit(b, MAN_X, MAN_Y) ? 1 : 0;
          assertTrue(b.size() <= m.size() + 3, "frame " + f.sequenceNumber() + ": " + b.size() + " boxes vs " + m.size());
        }
      }
    }
    System.out.printf("standing man, frames 576-590: motion only %d/%d frames, with the HOG pass %d/%d%n", motionHits,
        checked, staticHits, checked);
    assertTrue(motionHits <= checked / 2, "motion alone already finds him: " + motionHits);
    assertTrue(staticHits == checked, "with the HOG pass on " + staticHits + " of " + checked + " frames");
  }

  /**
   * Without waiting (the default): the HOG frame 576 hands the pass to the worker and returns; the
   * result is applied {@link MotionPersonDetector#STATIC_LAG_FRAMES} frames later, and the man is
   * reported from then on every frame.
   */
  @Test
  void asynchronousPassFindsTheStandingManAFewFramesLater() throws Exception {
    List<PoseFrame> frames = VtestFrames.read("vtest", 517, 590);
    int checked = 0;
    int hits = 0;
    try (MotionPersonDetector d = new MotionPersonDetector(40, 10)) {
      for (PoseFrame f : frames) {
        List<PersonBox> b = d.detect(f);
        if (f.sequenceNumber() == 576) {
          assertTrue(d.staticPending(f.cameraId()), "HOG frame 576 returned before its HOG result was applied");
        }
        if (f.sequenceNumber() >= 576 + MotionPersonDetector.STATIC_LAG_FRAMES) {
          checked++;
          hits += hit(b, MAN_X, MAN_Y) ? 1 : 0;
        }
      }
    }
    System.out.printf("standing man, asynchronous HOG pass, from its lag after frame 576 to 590: %d/%d frames%n", hits, checked);
    assertTrue(hits == checked, "asynchronous HOG pass found him on " + hits + " of " + checked + " frames");
  }

  /** Frame {@code target} as a HOG frame (the camera's 60th): motion-only boxes and boxes with the HOG pass. */
  private static List<List<PersonBox>> atHogFrame(int target) throws Exception {
    List<PoseFrame> frames = VtestFrames.read("vtest", target - 59, target);
    List<PersonBox> m = null;
    List<PersonBox> b = null;
    try (MotionPersonDetector motion = new MotionPersonDetector(40, 0);
        MotionPersonDetector both = new MotionPersonDetector(40, 10, true)) {
      for (PoseFrame f : frames) {
        m = motion.detect(f);
        b = both.detect(f);
      }
    }
    System.out.println("frame " + target + " motion only: " + m + "\nwith HOG: " + b);
    return List.of(m, b);
  }

  /**
   * Where the evaluation saw merges: in frame 361 a man by the lamp post and a walker just below him
   * share one motion blob (taller than wide, so the wide-blob split does not look at it); in frame
   * 794 two people walk side by side. Points checked by eye on the saved frames.
   */
  @Test
  void hogFrameSplitsMergedBlobs() throws Exception {
    splits(361, 462, 215, 462, 300);
    splits(794, 632, 310, 662, 285);
  }

  private static void splits(int frame, float ax, float ay, float bx, float by) throws Exception {
    List<List<PersonBox>> r = atHogFrame(frame);
    assertTrue(r.get(0).stream().anyMatch(x -> hit(List.of(x), ax, ay) && hit(List.of(x), bx, by)),
        "frame " + frame + ": one motion blob over both people expected");
    List<PersonBox> b = r.get(1);
    assertTrue(hit(b, ax, ay) && hit(b, bx, by), "frame " + frame + ": both people found");
    assertTrue(b.stream().noneMatch(x -> hit(List.of(x), ax, ay) && hit(List.of(x), bx, by)),
        "frame " + frame + ": no box over both: " + b);
  }

  @Test
  void negativePeriodIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new MotionPersonDetector(40, -1));
    assertThrows(IllegalArgumentException.class, () -> BlazePoseEstimator.Settings.defaults().withStaticEvery(-1));
  }

  /**
   * The whole stage's cost on frames 100-300 (5 frames per call), without and with the HOG pass;
   * median of 3 runs. Minutes long: runs only with -Dvibstream.bench=true.
   */
  @Test
  void estimateCost() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("vibstream.bench"));
    List<PoseFrame> frames = VtestFrames.read("vtest", 300);
    int[] periods = {0, 10};
    double[][] ms = new double[periods.length][3];
    long[] people = new long[periods.length];
    for (int run = 0; run < 3; run++) {
      for (int c = 0; c < periods.length; c++) { // interleaved, so that a load change hits both alike
        try (BlazePoseEstimator est = new BlazePoseEstimator(PoseModels.locate(),
            BlazePoseEstimator.Settings.defaults().withStaticEvery(periods[c]))) {
          est.estimate(frames.subList(0, 100));
          long t0 = System.nanoTime();
          people[c] = 0;
          for (int i = 100; i <= 300; i += 5) {
            for (List<PersonPose> p : est.estimate(frames.subList(i, Math.min(301, i + 5)))) {
              people[c] += p.size();
            }
          }
          ms[c][run] = (System.nanoTime() - t0) / 1e6 / 201;
        }
      }
    }
    for (int c = 0; c < periods.length; c++) {
      java.util.Arrays.sort(ms[c]);
      System.out.printf("staticEvery=%d: estimate %.1f ms/frame (runs %.1f %.1f %.1f), %.2f poses/frame%n", periods[c],
          ms[c][1], ms[c][0], ms[c][1], ms[c][2], people[c] / 201.0);
    }
  }

  /** Detection alone on frames 100-300, without and with the HOG pass (prints ms per frame, median of 3 runs). */
  @Test
  void detectionCost() throws Exception {
    List<PoseFrame> frames = VtestFrames.read("vtest", 300);
    for (int every : new int[] {0, 10}) {
      double[] ms = new double[3];
      for (int run = 0; run < 3; run++) {
        try (MotionPersonDetector d = new MotionPersonDetector(40, every)) {
          long t = 0;
          for (PoseFrame f : frames) {
            long t0 = System.nanoTime();
            d.detect(f);
            if (f.sequenceNumber() >= 100) {
              t += System.nanoTime() - t0;
            }
          }
          ms[run] = t / 1e6 / 201;
        }
      }
      java.util.Arrays.sort(ms);
      System.out.printf("staticEvery=%d: detection %.1f ms/frame (median of 3: %.1f %.1f %.1f) on frames 100-300%n", every,
          ms[1], ms[0], ms[1], ms[2]);
    }
  }
}
