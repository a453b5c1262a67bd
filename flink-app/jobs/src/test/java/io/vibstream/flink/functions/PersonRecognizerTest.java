package io.vibstream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.vibstream.flink.records.FeatureFrame;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.backbone.BackboneIdentity;
import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.ReleaseStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The recognizer keyed by tracked person (pose mode): window lifecycle, state cleanup, restore and hot swap. */
class PersonRecognizerTest {
  private static final BackboneIdentity POSE = new BackboneIdentity(PersonFeatures.ID, PersonFeatures.DIMENSION);
  private static final int CLIP = 8;
  private static final long GAP_MS = 1000;
  private static final byte[] V1 = TestModels.artifact(1, PersonFeatures.ID, PersonFeatures.DIMENSION, CLIP, 21);
  private static final long NOW = 5_000_000L;

  private static ActionRecognizer recognizer(float unsureBelow) {
    return new ActionRecognizer(new ActionRecognizer.Settings(POSE, 2, 3, 2, GAP_MS, true, unsureBelow));
  }

  private static KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> harness(
      ActionRecognizer fn) throws Exception {
    return subtask(fn, 1, 0);
  }

  private static KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> unopened(
      ActionRecognizer fn, int parallelism, int index) throws Exception {
    return new KeyedBroadcastOperatorTestHarness<>(
        new CoBroadcastWithKeyedOperator<>(fn, List.of(ActionRecognizer.MODEL_STATE)), FeatureFrame::key,
        Types.STRING, 128, parallelism, index);
  }

  private static KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> subtask(
      ActionRecognizer fn, int parallelism, int index) throws Exception {
    var h = unopened(fn, parallelism, index);
    h.open();
    h.processBroadcastWatermark(Long.MAX_VALUE);
    h.setProcessingTime(NOW);
    return h;
  }

  private static long ts(long seq) {
    return 50_000 + seq * 100;
  }

  private static PersonBox box(long track, long seq) {
    return new PersonBox(10 * track + seq, 20 + track, 40, 100 + track);
  }

  private static FeatureFrame frame(String camera, long track, long seq) {
    float[] f = new float[PersonFeatures.DIMENSION];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) Math.sin(0.31 * seq + 0.17 * i + 0.9 * track + camera.length());
    }
    return new FeatureFrame(camera, seq, ts(seq), f, track, box(track, seq));
  }

  private static void feed(KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> h,
      String camera, long track, long... seqs) throws Exception {
    for (long s : seqs) {
      h.processElement(frame(camera, track, s), ts(s));
    }
  }

  private static void end(KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> h,
      String camera, long track, long seq) throws Exception {
    h.processElement(FeatureFrame.end(camera, track, seq, ts(seq)), ts(seq));
  }

  private static long[] range(long from, long toInclusive) {
    return LongStream.rangeClosed(from, toInclusive).toArray();
  }

  @Test
  void aWindowOpensWhenATrackStartsAndClosesWhenItEnds() throws Exception {
    ActionRecognizer fn = recognizer(0.5f);
    try (var h = harness(fn)) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      assertThat(stateKeys(h)).isEmpty();
      // Track 3 appears at frame 100: its first frame opens its window at once, no watermark needed.
      feed(h, "cam", 3, range(100, 111));
      feed(h, "cam", 4, range(104, 113));
      List<ActionEvent> three = events(h, "cam", 3);
      assertThat(three).extracting(ActionEvent::getFirstSequenceNumber).containsExactly(100L, 102L, 104L);
      assertThat(three).extracting(ActionEvent::getLastSequenceNumber).containsExactly(107L, 109L, 111L);
      assertThat(events(h, "cam", 4)).extracting(ActionEvent::getLastSequenceNumber).containsExactly(111L, 113L);
      ModelArtifact model = ModelArtifacts.fromBytes(V1, "v1");
      for (ActionEvent e : h.extractOutputValues()) {
        long track = e.getTrackId();
        PersonBox last = box(track, e.getLastSequenceNumber());
        assertThat(e.getCameraId()).isEqualTo("cam");
        assertThat(e.getBox().getX()).isEqualTo(last.x());
        assertThat(e.getBox().getY()).isEqualTo(last.y());
        assertThat(e.getBox().getWidth()).isEqualTo(last.width());
        assertThat(e.getBox().getHeight()).isEqualTo(last.height());
        assertThat(e.getWindowStart().toEpochMilli()).isEqualTo(ts(e.getFirstSequenceNumber()));
        assertThat(e.getModelVersion()).isEqualTo(1);
        assertThat(e.getConfidence()).isCloseTo(expectedConfidence(model, "cam", e), offset(1e-5f));
        assertThat(e.getUnsure()).isEqualTo(e.getConfidence() < 0.5f);
      }
      assertThat(stateKeys(h)).containsExactlyInAnyOrder("cam/3", "cam/4");

      end(h, "cam", 3, 112); // the tracker ended track 3: its window closes, its state is freed
      assertThat(fn.tracks(true)).isEqualTo(1);
      assertThat(stateKeys(h)).containsExactly("cam/4");
      h.getOutput().clear();
      feed(h, "cam", 4, range(114, 115));
      assertThat(h.extractOutputValues()).extracting(ActionEvent::getTrackId).containsOnly(4L).hasSize(1);
      end(h, "cam", 4, 116);
      assertThat(fn.tracks(true)).isEqualTo(2);
      assertThat(stateKeys(h)).isEmpty();
      // The tracks' expiry timers find nothing left to free.
      h.processWatermark(Long.MAX_VALUE);
      assertThat(fn.tracks(false)).isZero();
      assertThat(fn.dropped(JobMetrics.LATE)).isZero();
    }
  }

  @Test
  void aTrackThatStopsWithoutAnEndIsFreedByItsTimerAfterTheGapLimit() throws Exception {
    ActionRecognizer fn = recognizer(0.5f);
    try (var h = harness(fn)) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", 7, range(0, 5));
      feed(h, "cam", 8, range(0, 30));
      assertThat(h.numEventTimeTimers()).isEqualTo(2);
      assertThat(stateKeys(h)).containsExactlyInAnyOrder("cam/7", "cam/8");

      h.processWatermark(ts(5) + GAP_MS - 1);
      assertThat(stateKeys(h)).containsExactlyInAnyOrder("cam/7", "cam/8");
      h.processWatermark(ts(5) + GAP_MS); // track 7 last seen at frame 5: freed
      assertThat(fn.tracks(false)).isEqualTo(1);
      assertThat(stateKeys(h)).containsExactly("cam/8");
      // Track 8 was still seen: its timer moves on to its last frame + the gap limit.
      assertThat(h.numEventTimeTimers()).isEqualTo(1);
      h.processWatermark(ts(30) + GAP_MS);
      assertThat(fn.tracks(false)).isEqualTo(2);
      assertThat(stateKeys(h)).isEmpty();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void aRestoredSubtaskContinuesOpenWindowsIdentically() throws Exception {
    OperatorSubtaskState snapshot;
    List<ActionEvent> expected;
    try (var h = harness(recognizer(0.5f))) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam-a", 1, range(0, 4)); // mid-window: 5 of 8 frames
      feed(h, "cam-b", 1, range(10, 20));
      snapshot = h.snapshot(1, 1);
      h.getOutput().clear();
      feed(h, "cam-a", 1, range(5, 14));
      feed(h, "cam-b", 1, range(21, 25));
      end(h, "cam-b", 1, 26);
      h.processWatermark(ts(26) + GAP_MS);
      expected = h.extractOutputValues();
    }
    assertThat(expected).extracting(ActionEvent::getCameraId, ActionEvent::getLastSequenceNumber).containsExactly(
        org.assertj.core.groups.Tuple.tuple("cam-a", 7L), org.assertj.core.groups.Tuple.tuple("cam-a", 9L),
        org.assertj.core.groups.Tuple.tuple("cam-a", 11L), org.assertj.core.groups.Tuple.tuple("cam-a", 13L),
        org.assertj.core.groups.Tuple.tuple("cam-b", 21L), org.assertj.core.groups.Tuple.tuple("cam-b", 23L),
        org.assertj.core.groups.Tuple.tuple("cam-b", 25L));

    ActionRecognizer restored = recognizer(0.5f);
    try (var h = unopened(restored, 1, 0)) {
      h.setup();
      h.initializeState(snapshot);
      h.open();
      h.processBroadcastWatermark(Long.MAX_VALUE);
      h.setProcessingTime(NOW);
      assertThat(h.numEventTimeTimers()).isEqualTo(2);
      feed(h, "cam-a", 1, range(5, 14));
      feed(h, "cam-b", 1, range(21, 25));
      end(h, "cam-b", 1, 26);
      h.processWatermark(ts(26) + GAP_MS);
      assertThat(h.extractOutputValues()).isEqualTo(expected);
      assertThat(restored.tracks(true)).isEqualTo(1);
      assertThat(restored.tracks(false)).isEqualTo(1);
      assertThat(stateKeys(h)).isEmpty();
    }
  }

  @Test
  void everyTrackSwapsToTheNewModelAndNeverGoesBack() throws Exception {
    byte[] v2 = TestModels.artifact(2, PersonFeatures.ID, PersonFeatures.DIMENSION, CLIP, 22, new int[] {0, 5, 17,
        34, 51, 52}, 5);
    byte[] cameraModel = TestModels.artifact(3, MeanColorExtractor.ID, 4, CLIP, 23);
    List<String> keys = new ArrayList<>();
    for (String camera : List.of("cam-a", "cam-b")) {
      for (long track = 1; track <= 4; track++) {
        keys.add(FeatureFrame.key(camera, track));
      }
    }
    assertThat(keys.stream().map(PersonRecognizerTest::owner).distinct()).containsExactlyInAnyOrder(0, 1);
    List<KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent>> subtasks = List.of(
        subtask(recognizer(0.5f), 2, 0), subtask(recognizer(0.5f), 2, 1));
    Map<String, Integer> beforeSwap = new HashMap<>();
    try (var s0 = subtasks.get(0); var s1 = subtasks.get(1)) {
      for (int i = 0; i < 2; i++) {
        var h = subtasks.get(i);
        h.processBroadcastElement(TestModels.release(1, V1), 0);
        for (String key : keys) {
          if (owner(key) == i) {
            feedKey(h, key, range(0, 12 + 3 * i));
          }
        }
        h.processBroadcastElement(TestModels.release(2, v2), 0);
        h.processBroadcastElement(TestModels.release(3, cameraModel), 0); // a per-camera model: refused
        h.processBroadcastElement(TestModels.release(1, V1), 0); // an older version: refused
        for (ActionEvent e : h.extractOutputValues()) {
          beforeSwap.merge(FeatureFrame.key(e.getCameraId(), e.getTrackId()), 1, Integer::sum);
        }
        for (String key : keys) {
          if (owner(key) == i) {
            feedKey(h, key, range(13 + 3 * i, 30));
          }
        }
        // A track that starts after the swap is scored by the new model from its first window.
        long fresh = 9;
        while (owner(FeatureFrame.key("cam-new", fresh)) != i) {
          fresh++;
        }
        feedKey(h, FeatureFrame.key("cam-new", fresh), range(0, 9));
      }
      Map<Long, ModelArtifact> models = Map.of(1L, ModelArtifacts.fromBytes(V1, "v1"), 2L,
          ModelArtifacts.fromBytes(v2, "v2"));
      for (String key : keys) {
        var h = subtasks.get(owner(key));
        List<ActionEvent> events = h.extractOutputValues().stream()
            .filter(e -> FeatureFrame.key(e.getCameraId(), e.getTrackId()).equals(key)).toList();
        assertThat(events).as(key).extracting(ActionEvent::getLastSequenceNumber)
            .containsExactlyElementsOf(LongStream.iterate(7, s -> s <= 30, s -> s + 2).boxed().toList());
        int switched = beforeSwap.getOrDefault(key, 0);
        assertThat(switched).as(key).isPositive().isLessThan(events.size());
        for (int k = 0; k < events.size(); k++) {
          ActionEvent e = events.get(k);
          assertThat(e.getModelVersion()).as("%s event %d", key, k).isEqualTo(k < switched ? 1L : 2L);
          assertThat(e.getConfidence()).isCloseTo(expectedConfidence(models.get(e.getModelVersion()),
              e.getCameraId(), e), offset(1e-5f));
        }
      }
      for (int i = 0; i < 2; i++) {
        var h = subtasks.get(i);
        assertThat(h.extractOutputValues().stream().filter(e -> e.getCameraId().startsWith("cam-new")))
            .extracting(ActionEvent::getModelVersion).containsExactly(2L, 2L);
        assertThat(status(h)).extracting(ModelStatus::getVersion, ModelStatus::getStatus).containsExactly(
            org.assertj.core.groups.Tuple.tuple(1L, ReleaseStatus.ACCEPTED),
            org.assertj.core.groups.Tuple.tuple(2L, ReleaseStatus.ACCEPTED),
            org.assertj.core.groups.Tuple.tuple(3L, ReleaseStatus.REFUSED),
            org.assertj.core.groups.Tuple.tuple(1L, ReleaseStatus.REFUSED));
        assertThat(status(h).get(2).getReason()).contains(MeanColorExtractor.ID).contains(PersonFeatures.ID);
      }
    }
  }

  @Test
  void eventsBelowTheThresholdAreMarkedUnsure() throws Exception {
    for (float threshold : new float[] {0f, 1f}) {
      try (var h = harness(recognizer(threshold))) {
        h.processBroadcastElement(TestModels.release(1, V1), 0);
        feed(h, "cam", 1, range(0, 11));
        List<ActionEvent> events = h.extractOutputValues();
        assertThat(events).hasSize(3);
        // Three labels: every confidence is in (1/3, 1), so none is below 0 and all are below 1.
        assertThat(events).extracting(ActionEvent::getUnsure).containsOnly(threshold > 0);
      }
    }
  }

  @Test
  void aPassedFrameOfATrackIsLate() throws Exception {
    ActionRecognizer fn = recognizer(0.5f);
    try (var h = harness(fn)) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", 1, range(0, 9));
      feed(h, "cam", 1, 9, 4);
      assertThat(fn.dropped(JobMetrics.LATE)).isEqualTo(2);
      feed(h, "cam", 1, 11, 12); // one missed detection: within the gap limit, the window goes on
      assertThat(events(h, "cam", 1)).extracting(ActionEvent::getLastSequenceNumber).containsExactly(7L, 9L, 12L);
      assertThat(events(h, "cam", 1).get(2).getFirstSequenceNumber()).isEqualTo(4L);
    }
  }

  private static void feedKey(KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> h,
      String key, long... seqs) throws Exception {
    int slash = key.lastIndexOf('/');
    feed(h, key.substring(0, slash), Long.parseLong(key.substring(slash + 1)), seqs);
  }

  /** The top-1 probability of {@code model} over the event's window. */
  private static float expectedConfidence(ModelArtifact model, String camera, ActionEvent e) {
    List<float[]> window = new ArrayList<>();
    for (int t = 0; t < CLIP; t++) {
      window.add(frame(camera, e.getTrackId(), e.getFirstSequenceNumber() + t).features());
    }
    return TestModels.confidence(model, window);
  }

  /** The keys that hold any of the recognizer's keyed state. */
  private static Set<String> stateKeys(
      KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> h) {
    KeyedStateBackend<String> backend = h.getOperator().getKeyedStateBackend();
    Set<String> keys = new TreeSet<>();
    for (String state : List.of("cursor", "window", "pending")) {
      try (Stream<String> k = backend.getKeys(state, VoidNamespace.INSTANCE)) {
        k.forEach(keys::add);
      }
    }
    return keys;
  }

  private static int owner(String key) {
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(key, 128, 2);
  }

  private static List<ModelStatus> status(
      KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> h) {
    return h.getSideOutput(ActionRecognizer.MODEL_STATUS).stream().map(StreamRecord::getValue)
        .collect(Collectors.toList());
  }

  private static List<ActionEvent> events(
      KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> h, String camera,
      long track) {
    return h.extractOutputValues().stream()
        .filter(e -> e.getCameraId().equals(camera) && e.getTrackId() != null && e.getTrackId() == track)
        .collect(Collectors.toList());
  }
}
