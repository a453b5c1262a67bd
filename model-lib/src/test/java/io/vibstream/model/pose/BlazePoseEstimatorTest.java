package io.vibstream.model.pose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The estimator on the real clip vtest.avi (768x576, 10 fps, a dozen 50-100 px pedestrians). */
class BlazePoseEstimatorTest {
  private static List<PoseFrame> frames;

  @BeforeAll
  static void decode() throws Exception {
    frames = VtestFrames.read("vtest", 200);
    assertEquals(201, frames.size());
  }

  /**
   * People's centers counted by eye on frames 100, 150 and 200 (after a 100-frame warm-up); the
   * misses seen: a 30 px far walker (below the 40 px minimum), a man standing still since the
   * start (part of the background), and one person hidden behind a sign.
   */
  private static final int[][][] PEOPLE = {
      {{230, 75}, {363, 238}, {393, 215}, {440, 220}, {506, 185}, {529, 187}, {604, 196}},
      {{78, 110}, {647, 138}, {667, 140}, {721, 145}, {403, 245}, {453, 228}, {608, 273}},
      {{99, 186}, {235, 230}, {504, 185}, {688, 126}, {712, 128}, {633, 318}, {724, 305}}};

  @Test
  void motionDetectionFindsMostPeopleOnceTheBackgroundIsLearned() {
    int[] motion = recall(0);
    assertTrue(motion[0] >= 0.75 * motion[1], "recall " + motion[0] + "/" + motion[1]);
    assertTrue(motion[2] <= motion[1] + 3, "boxes " + motion[2]);
    // With the static-person pass (HOG every 10 frames; frames 100, 150, 200 are the frames after HOG frames 99, 149, 199).
    int[] both = recall(10);
    assertTrue(both[0] >= motion[0], "recall with HOG " + both[0] + " < motion only " + motion[0]);
    assertTrue(both[2] <= both[1] + 3, "boxes with HOG " + both[2]);
  }

  /** Found, total and boxes on frames 100, 150 and 200 with the static pass every {@code staticEvery} frames. */
  private static int[] recall(int staticEvery) {
    int found = 0;
    int total = 0;
    int boxes = 0;
    try (MotionPersonDetector detector = new MotionPersonDetector(40, staticEvery, true)) {
      for (PoseFrame f : frames) {
        List<PersonBox> people = detector.detect(f);
        if (f.sequenceNumber() < MotionPersonDetector.WARM_UP_FRAMES - 1) {
          assertTrue(people.isEmpty(), "no people while the background model learns");
        }
        int k = (int) f.sequenceNumber() / 50 - 2;
        if (f.sequenceNumber() % 50 != 0 || k < 0) {
          continue;
        }
        boxes += people.size();
        for (int[] c : PEOPLE[k]) {
          total++;
          for (PersonBox b : people) {
            if (c[0] >= b.x() - 4 && c[0] <= b.x() + b.width() + 4 && c[1] >= b.y() - 4
                && c[1] <= b.y() + b.height() + 4) {
              found++;
              break;
            }
          }
        }
      }
    }
    System.out.printf("detection (staticEvery %d) on vtest frames 100/150/200: recall %d/%d = %.2f, %d boxes%n",
        staticEvery, found, total, (double) found / total, boxes);
    return new int[] {found, total, boxes};
  }

  /** Joints checked by hand on frame 200 (zoomed crops with a 10 px grid); 6 px is about 6% of the man's height. */
  @Test
  void landmarksLandOnHandCheckedJoints() {
    PoseFrame f = frames.get(200);
    try (BlazePoseEstimator est = new BlazePoseEstimator(PoseModels.locate())) {
      // A man facing the camera, 102 px tall: his left is the image's right.
      PersonPose a = est.landmarks(f, new PersonBox(620, 268, 28, 102));
      assertNotNull(a, "pose of the man at (633, 318)");
      near(a, PoseJoints.HEAD, 638, 276, 6);
      near(a, PoseJoints.NECK, 633, 285, 6);
      near(a, PoseJoints.PELVIS, 633, 318, 6);
      near(a, PoseJoints.L_SHOULDER, 643, 287, 6);
      near(a, PoseJoints.R_SHOULDER, 622, 286, 6);
      near(a, PoseJoints.L_KNEE, 640, 340, 6);
      near(a, PoseJoints.R_KNEE, 627, 340, 6);
      near(a, PoseJoints.L_ANKLE, 643, 360, 6);
      near(a, PoseJoints.R_ANKLE, 627, 359, 6);
      assertTrue(a.score() >= 0.9f, "presence " + a.score());
      // A walker in a white hood seen from the side, 60 px tall: which ankle is which is not checked.
      PersonPose b = est.landmarks(f, new PersonBox(84, 156, 32, 60));
      assertNotNull(b, "pose of the walker at (94, 187)");
      near(b, PoseJoints.HEAD, 89, 158, 5);
      near(b, PoseJoints.PELVIS, 94, 187, 5);
      float front = Math.max(b.x()[PoseJoints.L_ANKLE], b.x()[PoseJoints.R_ANKLE]);
      float back = Math.min(b.x()[PoseJoints.L_ANKLE], b.x()[PoseJoints.R_ANKLE]);
      assertEquals(107, front, 5, "front ankle x");
      assertEquals(93, back, 5, "back ankle x");
    }
    // The full model with the second pass lands on the same joints.
    var full = BlazePoseEstimator.Settings.defaults().withLandmark(PoseModels.Landmark.FULL).withSecondPass(true);
    try (BlazePoseEstimator est = new BlazePoseEstimator(PoseModels.locate(), full)) {
      PersonPose a = est.landmarks(f, new PersonBox(620, 268, 28, 102));
      assertNotNull(a);
      near(a, PoseJoints.HEAD, 638, 276, 6);
      near(a, PoseJoints.PELVIS, 633, 318, 6);
      near(a, PoseJoints.L_ANKLE, 643, 360, 6);
      near(a, PoseJoints.R_ANKLE, 627, 359, 6);
    }
  }

  /** Crops shared out among three interpreters give exactly the poses one gives, frame by frame. */
  @Test
  void landmarkThreadsChangeNothingButWhoRunsACrop() {
    BlazePoseEstimator.Settings one = BlazePoseEstimator.Settings.defaults().withStaticEvery(0).withLandmarkThreads(1);
    List<List<PersonPose>> serial = new ArrayList<>();
    List<List<PersonPose>> shared = new ArrayList<>();
    try (BlazePoseEstimator a = new BlazePoseEstimator(PoseModels.locate(), one);
        BlazePoseEstimator b = new BlazePoseEstimator(PoseModels.locate(), one.withLandmarkThreads(3))) {
      for (int start = 0; start + 4 <= 120; start += 4) {
        List<PoseFrame> batch = frames.subList(start, start + 4); // several frames per call, as the job batches them
        serial.addAll(a.estimate(batch));
        shared.addAll(b.estimate(batch));
      }
      assertEquals(a.rejectedSkeletons(), b.rejectedSkeletons());
    }
    int people = 0;
    for (int f = 0; f < serial.size(); f++) {
      assertEquals(serial.get(f).size(), shared.get(f).size(), "people in frame " + f);
      for (int i = 0; i < serial.get(f).size(); i++) {
        PersonPose x = serial.get(f).get(i);
        PersonPose y = shared.get(f).get(i);
        assertEquals(x.box(), y.box());
        assertTrue(java.util.Arrays.equals(x.x(), y.x()) && java.util.Arrays.equals(x.y(), y.y())
            && java.util.Arrays.equals(x.visibility(), y.visibility()), "pose " + i + " of frame " + f);
        people++;
      }
    }
    assertTrue(people > 100, "people compared: " + people);
  }

  /** Two people's halves joined (what a crop holding two people yields) are rejected; each alone passes. */
  @Test
  void skeletonCheckRejectsTwoPeopleJoined() {
    PoseFrame f = frames.get(200);
    PersonBox boxA = new PersonBox(620, 268, 28, 102);
    PersonBox boxB = new PersonBox(706, 256, 38, 98);
    try (BlazePoseLandmarker lm = new BlazePoseLandmarker(PoseModels.locate().landmark(PoseModels.Landmark.LITE))) {
      BlazePoseLandmarks a = lm.run(f, PersonCrop.around(boxA));
      BlazePoseLandmarks b = lm.run(f, PersonCrop.around(boxB));
      assertEquals(null, SkeletonCheck.reject(a, boxA));
      assertEquals(null, SkeletonCheck.reject(b, boxB));
      // Head, shoulders and arms of the man at x 633, hips and legs of the man at x 724.
      float[] x = a.x().clone();
      float[] y = a.y().clone();
      for (int i = BlazePoseLandmarks.L_HIP; i < BlazePoseLandmarks.COUNT; i++) {
        x[i] = b.x()[i];
        y[i] = b.y()[i];
      }
      BlazePoseLandmarks joined = new BlazePoseLandmarks(x, y, a.visibility(), 1f);
      PersonBox union = new PersonBox(620, 256, 124, 112);
      String why = SkeletonCheck.reject(joined, union);
      assertNotNull(why, "two people joined passed as one");
      System.out.println("joined skeleton rejected: " + why);
    }
  }

  /** The whole stage, several frames per call: no one while learning, then the people with skeletons. */
  @Test
  void estimateFindsPeopleWithSkeletons() {
    try (BlazePoseEstimator est = new BlazePoseEstimator(PoseModels.locate())) {
      List<List<PersonPose>> last = null;
      for (int i = 140; i <= 200; i += 5) {
        List<PoseFrame> batch = new ArrayList<>(frames.subList(i - 4, i + 1));
        List<List<PersonPose>> out = est.estimate(batch);
        assertEquals(batch.size(), out.size());
        if (i == 140) {
          assertTrue(out.get(0).isEmpty(), "first frame of a camera: background not learned");
        }
        last = out;
      }
      List<PersonPose> people = last.get(last.size() - 1);
      System.out.println("frame 200: " + people.size() + " poses, rejected so far " + est.rejectedSkeletons());
      assertTrue(people.size() >= 5, "people in frame 200: " + people.size());
      PersonPose man = people.stream()
          .filter(p -> Math.abs(p.x()[PoseJoints.PELVIS] - 633) < 8 && Math.abs(p.y()[PoseJoints.PELVIS] - 318) < 8)
          .findFirst().orElseThrow(() -> new AssertionError("the man at (633, 318) not found: " + people));
      near(man, PoseJoints.HEAD, 638, 276, 7);
      for (PersonPose p : people) {
        assertTrue(p.score() >= 0.5f);
        assertTrue(p.y()[PoseJoints.HEAD] < p.y()[PoseJoints.PELVIS], "head above the pelvis");
      }
      est.resetCamera("vtest");
      assertTrue(est.estimate(List.of(frames.get(200))).get(0).isEmpty(), "reset camera learns again");
    }
  }

  private static void near(PersonPose p, int joint, float x, float y, float tolerance) {
    String name = PoseJoints.NAMES.get(joint);
    float dx = p.x()[joint] - x;
    float dy = p.y()[joint] - y;
    assertTrue(Math.hypot(dx, dy) <= tolerance,
        name + " at (" + p.x()[joint] + ", " + p.y()[joint] + "), checked by hand (" + x + ", " + y + ")");
  }
}
