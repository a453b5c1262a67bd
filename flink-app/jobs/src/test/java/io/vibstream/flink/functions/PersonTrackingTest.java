package io.vibstream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.flink.records.FeatureFrame;
import io.vibstream.flink.records.PersonDetections;
import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.model.pose.PersonTracker;
import io.vibstream.model.pose.PoseJoints;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Pose mode's per-camera tracking function with the real {@link PersonTracker}. */
class PersonTrackingTest {
  private static final PersonTracker.Settings TRACKER = PersonTracker.Settings.defaults();
  private static final long GAP_MS = 2000;

  private static KeyedOneInputStreamOperatorTestHarness<String, PersonDetections, FeatureFrame> harness(
      PersonTracking fn) throws Exception {
    var h = unopened(fn);
    h.open();
    return h;
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, PersonDetections, FeatureFrame> unopened(
      PersonTracking fn) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), PersonDetections::cameraId,
        Types.STRING, 128, 1, 0);
  }

  private static long ts(long seq) {
    return 1_000 + seq * 100;
  }

  /** A standing skeleton filling {@code box}, every joint visible. */
  private static PersonPose pose(PersonBox box) {
    float[] x = new float[PoseJoints.COUNT];
    float[] y = new float[PoseJoints.COUNT];
    float[] v = new float[PoseJoints.COUNT];
    for (int j = 0; j < PoseJoints.COUNT; j++) {
      x[j] = box.x() + box.width() * (0.3f + 0.4f * ((j * 7) % 5) / 4f);
      y[j] = box.y() + box.height() * (j == PoseJoints.PELVIS ? 0.55f : j == PoseJoints.NECK ? 0.2f : (j % 9) / 9f);
      v[j] = 0.9f;
    }
    return new PersonPose(box, x, y, v, 0.95f);
  }

  /** Two people walking apart across the frame; {@code walkers} of them in view. */
  private static PersonDetections frame(String camera, long seq, int walkers) {
    List<PersonPose> people = new ArrayList<>();
    if (walkers > 0) {
      people.add(pose(new PersonBox(100 + 6 * seq, 200, 40, 100)));
    }
    if (walkers > 1) {
      people.add(pose(new PersonBox(500 - 8 * seq, 230 + seq, 44, 110)));
    }
    return new PersonDetections(camera, seq, ts(seq), people.toArray(new PersonPose[0]));
  }

  private static List<PersonDetections> frames(String camera, long from, long to, int walkers) {
    List<PersonDetections> out = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      out.add(frame(camera, s, walkers));
    }
    return out;
  }

  private static void feed(KeyedOneInputStreamOperatorTestHarness<String, PersonDetections, FeatureFrame> h,
      List<PersonDetections> frames) throws Exception {
    for (PersonDetections d : frames) {
      h.processElement(d, d.captureTimestamp());
    }
  }

  /** A comparable view of a record (float arrays by value). */
  private static String show(FeatureFrame f) {
    return f.cameraId() + "#" + f.sequenceNumber() + "@" + f.captureTimestamp() + " track " + f.trackId() + " "
        + (f.endsTrack() ? "END" : f.box() + " " + Arrays.toString(f.features()));
  }

  private static List<String> shown(KeyedOneInputStreamOperatorTestHarness<String, PersonDetections, FeatureFrame> h) {
    return h.extractOutputValues().stream().map(PersonTrackingTest::show).toList();
  }

  /** What the tracker itself says for {@code frames}, turned into the records the function should emit. */
  private static List<String> reference(List<PersonDetections> frames) {
    PersonTracker tracker = new PersonTracker(TRACKER);
    List<String> out = new ArrayList<>();
    for (PersonDetections d : frames) {
      PersonTracker.Update u = tracker.update(Arrays.asList(d.persons()), d.captureTimestamp());
      for (long id : u.endedTrackIds()) {
        out.add(show(FeatureFrame.end(d.cameraId(), id, d.sequenceNumber(), d.captureTimestamp())));
      }
      for (PersonTracker.TrackedPerson p : u.persons()) {
        float[] features = PersonFeatures.of(p.pose(), p.velocityX(), p.velocityY());
        out.add(show(new FeatureFrame(d.cameraId(), d.sequenceNumber(), d.captureTimestamp(), features, p.trackId(),
            p.pose().box())));
      }
    }
    return out;
  }

  @Test
  void emitsEachTrackedPersonsFeaturesPerFrameAndEndsTracks() throws Exception {
    List<PersonDetections> cam = new ArrayList<>(frames("cam", 0, 11, 2));
    cam.addAll(frames("cam", 12, 40, 1)); // the second walker leaves after frame 11
    try (var h = harness(new PersonTracking(TRACKER, GAP_MS))) {
      feed(h, cam);
      feed(h, frames("empty", 0, 40, 0));
      List<FeatureFrame> out = h.extractOutputValues();
      assertThat(shown(h)).containsExactlyElementsOf(reference(cam));

      assertThat(out).extracting(FeatureFrame::cameraId).containsOnly("cam"); // nobody in view: no records
      assertThat(out.stream().filter(f -> !f.endsTrack()).map(FeatureFrame::trackId).distinct())
          .containsExactlyInAnyOrder(1L, 2L);
      // Confirmed after 3 hits (frames 0-2), each person once per frame, the second until it leaves.
      assertThat(out.stream().filter(f -> f.trackId() == 1 && !f.endsTrack()).map(FeatureFrame::sequenceNumber))
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(2, 40).boxed().toList());
      assertThat(out.stream().filter(f -> f.trackId() == 2 && !f.endsTrack()).map(FeatureFrame::sequenceNumber))
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(2, 11).boxed().toList());
      // Missed in more than 15 frames (12-27): ended once, at frame 27.
      assertThat(out.stream().filter(FeatureFrame::endsTrack)).extracting(FeatureFrame::trackId,
          FeatureFrame::sequenceNumber).containsExactly(org.assertj.core.groups.Tuple.tuple(2L, 27L));
      FeatureFrame first = out.stream().filter(f -> f.trackId() == 1).findFirst().orElseThrow();
      // Confirmed at its third frame, it already moves: the tracker's filter has seen two steps of it.
      assertThat(first.sequenceNumber()).isEqualTo(2);
      assertThat(first.features()[PersonFeatures.DIMENSION - 2]).isCloseTo(0.6f,
          org.assertj.core.data.Offset.offset(0.1f));
      FeatureFrame later = out.stream().filter(f -> f.trackId() == 1 && f.sequenceNumber() == 10).findFirst()
          .orElseThrow();
      assertThat(later.features()[PersonFeatures.DIMENSION - 2]).isCloseTo(6f / 100 / 0.1f,
          org.assertj.core.data.Offset.offset(0.01f)); // 6 px per 100 ms, in box heights per second
      assertThat(later.box()).isEqualTo(new PersonBox(160, 200, 40, 100));
      assertThat(later.key()).isEqualTo("cam/1");
    }
  }

  @Test
  void aRestoredTrackerKeepsItsTrackIds() throws Exception {
    List<PersonDetections> before = frames("cam", 0, 6, 2);
    List<PersonDetections> after = frames("cam", 7, 20, 2);
    List<String> expected;
    OperatorSubtaskState snapshot;
    try (var h = harness(new PersonTracking(TRACKER, GAP_MS))) {
      feed(h, before);
      snapshot = h.snapshot(1, 1);
      h.getOutput().clear();
      feed(h, after);
      expected = shown(h);
    }
    assertThat(expected).hasSize(2 * after.size());
    try (var h = unopened(new PersonTracking(TRACKER, GAP_MS))) {
      h.setup();
      h.initializeState(snapshot);
      h.open();
      feed(h, after);
      assertThat(shown(h)).isEqualTo(expected);
      assertThat(h.extractOutputValues()).extracting(FeatureFrame::trackId).containsOnly(1L, 2L);
    }
    // Without the state the same frames would start new tentative tracks: nothing for 2 frames.
    try (var h = harness(new PersonTracking(TRACKER, GAP_MS))) {
      feed(h, after);
      assertThat(shown(h)).isNotEqualTo(expected);
    }
  }

  @Test
  void framesAreTakenInSequenceOrderAndACameraBackFromAGapStartsAfresh() throws Exception {
    PersonTracking fn = new PersonTracking(TRACKER, GAP_MS);
    try (var h = harness(fn)) {
      feed(h, frames("cam", 0, 9, 2));
      h.getOutput().clear();
      feed(h, List.of(frame("cam", 5, 2), frame("cam", 9, 2))); // behind and a duplicate: not fed to the tracker
      assertThat(fn.late()).isEqualTo(2);
      assertThat(h.extractOutputValues()).isEmpty();

      // 3 s later (more than the 2 s gap): both tracks end before the frame is tracked, ids are never reused.
      PersonDetections back = new PersonDetections("cam", 10, ts(9) + 3000, frame("cam", 10, 2).persons());
      h.processElement(back, back.captureTimestamp());
      assertThat(h.extractOutputValues()).extracting(FeatureFrame::endsTrack, FeatureFrame::trackId)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(true, 1L), org.assertj.core.groups.Tuple.tuple(true, 2L));
      feed(h, List.of(new PersonDetections("cam", 11, ts(9) + 3100, frame("cam", 11, 2).persons()),
          new PersonDetections("cam", 12, ts(9) + 3200, frame("cam", 12, 2).persons())));
      assertThat(h.extractOutputValues().stream().filter(f -> !f.endsTrack()).map(FeatureFrame::trackId))
          .containsExactlyInAnyOrder(3L, 4L);

      // A restarted camera: sequence numbers from 0 again at a later capture time are taken.
      h.getOutput().clear();
      h.processElement(new PersonDetections("cam", 0, ts(9) + 3300, frame("cam", 13, 2).persons()), ts(9) + 3300);
      assertThat(fn.late()).isEqualTo(2);
      assertThat(h.extractOutputValues()).extracting(FeatureFrame::trackId).containsExactlyInAnyOrder(3L, 4L);
    }
  }
}
