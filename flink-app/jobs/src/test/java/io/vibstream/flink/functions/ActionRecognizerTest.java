package io.vibstream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.vibstream.flink.records.FeatureFrame;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.backbone.BackboneIdentity;
import io.vibstream.model.runtime.VectorLstmRuntime;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.ReleaseStatus;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ActionRecognizerTest {
  private static final BackboneIdentity BACKBONE = new BackboneIdentity(MeanColorExtractor.ID, 4);
  private static final int CLIP = 8;
  private static final byte[] V1 = TestModels.artifact(1, MeanColorExtractor.ID, 4, CLIP, 1);
  private static final long NOW = 1_000_000L;

  private static ActionRecognizer recognizer(int stride) {
    return new ActionRecognizer(new ActionRecognizer.Settings(BACKBONE, stride, 3, 2, 1000));
  }

  private static KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> harness(
      ActionRecognizer fn) throws Exception {
    var h = unopened(fn);
    h.open();
    h.processBroadcastWatermark(Long.MAX_VALUE);
    h.setProcessingTime(NOW);
    return h;
  }

  /** Max parallelism 128 (key groups as in a job), one subtask. */
  private static KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> unopened(
      ActionRecognizer fn) throws Exception {
    return new KeyedBroadcastOperatorTestHarness<>(
        new CoBroadcastWithKeyedOperator<>(fn, List.of(ActionRecognizer.MODEL_STATE)), FeatureFrame::cameraId,
        Types.STRING, 128, 1, 0);
  }

  private static long ts(long seq) {
    return 10_000 + seq * 40;
  }

  private static FeatureFrame frame(String camera, long seq) {
    float s = (float) seq;
    return new FeatureFrame(camera, seq, ts(seq), new float[] {
        (float) Math.sin(s * 0.3), (float) Math.cos(s * 0.2), camera.length() * 0.1f, (s % 5) / 5f});
  }

  private static void feed(KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> h,
      String camera, long... seqs) throws Exception {
    for (long s : seqs) {
      h.processElement(frame(camera, s), ts(s));
    }
  }

  private static long[] range(long from, long toInclusive) {
    return java.util.stream.LongStream.rangeClosed(from, toInclusive).toArray();
  }

  @Test
  void emitsOneEventPerStrideOverFullWindows() throws Exception {
    try (var h = harness(recognizer(2))) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam-a", range(0, 19));
      feed(h, "cam-b", range(0, 9));
      h.processWatermark(ts(19));

      List<ActionEvent> a = events(h, "cam-a");
      assertThat(a).extracting(ActionEvent::getLastSequenceNumber).containsExactly(7L, 9L, 11L, 13L, 15L, 17L, 19L);
      assertThat(a).extracting(ActionEvent::getFirstSequenceNumber).containsExactly(0L, 2L, 4L, 6L, 8L, 10L, 12L);
      assertThat(events(h, "cam-b")).extracting(ActionEvent::getLastSequenceNumber).containsExactly(7L, 9L);

      ModelArtifact model = ModelArtifacts.fromBytes(V1, "v1");
      try (VectorLstmRuntime runtime = new VectorLstmRuntime(model.model())) {
        for (ActionEvent e : a) {
          assertThat(e.getModelVersion()).isEqualTo(1);
          assertThat(e.getWindowStart().toEpochMilli()).isEqualTo(ts(e.getFirstSequenceNumber()));
          assertThat(e.getWindowEnd().toEpochMilli()).isEqualTo(ts(e.getLastSequenceNumber()));
          assertThat(e.getLatencyMs()).isEqualTo(NOW - ts(e.getLastSequenceNumber()));
          assertThat(e.getTopK()).hasSize(3);
          assertThat(e.getTopK().get(0).getLabel()).isEqualTo(e.getLabel());
          assertThat(e.getTopK().get(0).getScore()).isEqualTo(e.getConfidence());
          assertThat(e.getTopK().get(0).getScore()).isGreaterThanOrEqualTo(e.getTopK().get(1).getScore());
          float[][][] clip = new float[1][CLIP][];
          for (int t = 0; t < CLIP; t++) {
            clip[0][t] = frame("cam-a", e.getFirstSequenceNumber() + t).features();
          }
          float[] p = ActionRecognizer.softmax(runtime.logits(clip)[0]);
          int best = 0;
          for (int i = 1; i < p.length; i++) {
            best = p[i] > p[best] ? i : best;
          }
          assertThat(e.getLabel()).isEqualTo(TestModels.LABELS.get(best));
          assertThat(e.getConfidence()).isCloseTo(p[best], org.assertj.core.data.Offset.offset(1e-4f));
        }
      }
    }
  }

  @Test
  void defaultStrideIsAQuarterClip() throws Exception {
    try (var h = harness(recognizer(0))) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", range(0, 15));
      h.processWatermark(ts(15));
      assertThat(events(h, "cam")).extracting(ActionEvent::getLastSequenceNumber).containsExactly(7L, 9L, 11L, 13L,
          15L);
    }
  }

  @Test
  void noEventsBeforeAModelArrives() throws Exception {
    ActionRecognizer fn = recognizer(2);
    try (var h = harness(fn)) {
      feed(h, "cam", range(0, 9));
      h.processWatermark(ts(9));
      assertThat(h.extractOutputValues()).isEmpty();
      assertThat(fn.dropped(JobMetrics.NO_MODEL)).isEqualTo(10);

      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", range(10, 17));
      h.processWatermark(ts(17));
      assertThat(events(h, "cam")).extracting(ActionEvent::getFirstSequenceNumber).containsExactly(10L);
    }
  }

  @Test
  void snapshotAndRestoreContinueIdentically() throws Exception {
    OperatorSubtaskState snapshot;
    List<ActionEvent> expected;
    try (var h = harness(recognizer(3))) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam-a", range(0, 12));
      feed(h, "cam-b", range(0, 10));
      h.processWatermark(ts(10)); // cam-a 11 and 12 follow on: taken too, their timers left
      snapshot = h.snapshot(1, 1);
      h.getOutput().clear();
      h.setProcessingTime(NOW + 500);
      feed(h, "cam-a", range(13, 30));
      feed(h, "cam-b", range(11, 30));
      h.processWatermark(ts(30));
      expected = h.extractOutputValues();
    }
    assertThat(expected).hasSizeGreaterThan(8);

    ActionRecognizer restored = recognizer(3);
    try (var h = unopened(restored)) {
      h.setup();
      h.initializeState(snapshot);
      h.open();
      h.processBroadcastWatermark(Long.MAX_VALUE);
      h.setProcessingTime(NOW + 500);
      feed(h, "cam-a", range(13, 30));
      feed(h, "cam-b", range(11, 30));
      h.processWatermark(ts(30));
      assertThat(h.extractOutputValues()).isEqualTo(expected);
    }
  }

  @Test
  void aDeltasModelScoresEveryWindowFromItsFirstFrameAcrossASnapshot() throws Exception {
    byte[] deltas = TestModels.deltasArtifact(1, MeanColorExtractor.ID, 4, CLIP, 7);
    ModelArtifact model = ModelArtifacts.fromBytes(deltas, "deltas");
    assertThat(model.model().inputDeltas()).isTrue();
    OperatorSubtaskState snapshot;
    List<ActionEvent> expected;
    try (var h = harness(recognizer(3))) {
      h.processBroadcastElement(TestModels.release(1, deltas), 0);
      feed(h, "cam", range(0, 12));
      h.processWatermark(ts(10));
      snapshot = h.snapshot(1, 1);
      feed(h, "cam", range(13, 30));
      h.processWatermark(ts(30));
      expected = events(h, "cam");
    }
    assertThat(expected).extracting(ActionEvent::getLastSequenceNumber).containsExactly(7L, 10L, 13L, 16L, 19L, 22L,
        25L, 28L);
    for (ActionEvent e : expected) {
      assertThat(e.getConfidence()).isCloseTo(expectedConfidence(model, "cam", e), offset(1e-5f));
    }

    try (var h = unopened(recognizer(3))) {
      h.setup();
      h.initializeState(snapshot);
      h.open();
      h.processBroadcastWatermark(Long.MAX_VALUE);
      h.setProcessingTime(NOW);
      feed(h, "cam", range(13, 30));
      h.processWatermark(ts(30));
      assertThat(events(h, "cam")).isEqualTo(expected.subList(2, expected.size()));
    }
  }

  @Test
  void aSequenceOrTimeGapResetsTheWindow() throws Exception {
    ActionRecognizer fn = recognizer(2);
    try (var h = harness(fn)) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", range(0, 9));
      feed(h, "cam", 12); // 2 missing: tolerated
      feed(h, "cam", range(16, 24)); // 3 missing: reset
      h.processWatermark(ts(24));
      assertThat(events(h, "cam")).extracting(ActionEvent::getLastSequenceNumber).containsExactly(7L, 9L, 23L);
      assertThat(events(h, "cam").get(2).getFirstSequenceNumber()).isEqualTo(16);
      assertThat(fn.dropped(JobMetrics.GAP_RESET)).isEqualTo(CLIP);

      // A time gap (> 1000 ms) with consecutive sequence numbers resets as well.
      FeatureFrame late = new FeatureFrame("cam", 25, ts(24) + 5000, frame("cam", 25).features());
      h.processElement(late, late.captureTimestamp());
      h.processWatermark(late.captureTimestamp());
      assertThat(fn.dropped(JobMetrics.GAP_RESET)).isEqualTo(2 * CLIP);
    }
  }

  @Test
  void aRestartedCameraStartsAFreshWindowInsteadOfBeingLate() throws Exception {
    ActionRecognizer fn = recognizer(2);
    try (var h = harness(fn)) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", range(0, 9));
      h.processWatermark(ts(9));
      for (long s = 0; s < 8; s++) { // sequence numbers from 0 again, 500 ms later
        FeatureFrame f = new FeatureFrame("cam", s, ts(9) + 500 + s * 40, frame("cam", s).features());
        h.processElement(f, f.captureTimestamp());
      }
      h.processWatermark(ts(9) + 500 + 7 * 40);
      assertThat(fn.dropped(JobMetrics.LATE)).isZero();
      assertThat(fn.dropped(JobMetrics.GAP_RESET)).isEqualTo(CLIP);
      assertThat(events(h, "cam")).extracting(ActionEvent::getLastSequenceNumber).containsExactly(7L, 9L, 7L);
      assertThat(events(h, "cam").get(2).getWindowStart().toEpochMilli()).isEqualTo(ts(9) + 500);
    }
  }

  @Test
  void outOfOrderFramesWithinTheBoundAreReordered() throws Exception {
    List<ActionEvent> inOrder;
    try (var h = harness(recognizer(2))) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", range(0, 15));
      h.processWatermark(ts(15));
      inOrder = h.extractOutputValues();
    }
    ActionRecognizer fn = recognizer(2);
    try (var h = harness(fn)) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", 1, 0, 3, 2, 4, 7, 5, 6);
      h.processWatermark(ts(6)); // 7 stays buffered
      feed(h, "cam", 9, 8, 12, 10, 11, 15, 14, 13);
      h.processWatermark(ts(15));
      assertThat(h.extractOutputValues()).isEqualTo(inOrder);
      assertThat(fn.dropped(JobMetrics.LATE)).isZero();
    }
  }

  @Test
  void aCameraInOrderIsScoredWithoutWaitingForTheWatermark() throws Exception {
    ActionRecognizer fn = recognizer(2);
    try (var h = harness(fn)) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", range(0, 9)); // no watermark at all: every next frame is taken as it comes
      assertThat(events(h, "cam")).extracting(ActionEvent::getLastSequenceNumber).containsExactly(7L, 9L);
      assertThat(events(h, "cam")).extracting(ActionEvent::getLatencyMs).containsExactly(NOW - ts(7), NOW - ts(9));

      feed(h, "cam-late-joiner", range(100, 109)); // a camera first seen mid-stream waits for the watermark once
      assertThat(events(h, "cam-late-joiner")).isEmpty();
      h.processWatermark(ts(100));
      assertThat(events(h, "cam-late-joiner")).extracting(ActionEvent::getLastSequenceNumber).containsExactly(107L,
          109L);
      assertThat(fn.dropped(JobMetrics.LATE)).isZero();
    }
  }

  @Test
  void aMissingFrameHoldsItsCameraBackUntilTheWatermarkThenTheBufferedFramesFollow() throws Exception {
    ActionRecognizer fn = recognizer(2);
    try (var h = harness(fn)) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", range(0, 6));
      feed(h, "cam", range(8, 11)); // 7 is missing
      assertThat(h.extractOutputValues()).isEmpty();
      feed(h, "cam", 7); // arrives within the bound: 8-11 follow on at once
      assertThat(events(h, "cam")).extracting(ActionEvent::getLastSequenceNumber).containsExactly(7L, 9L, 11L);

      feed(h, "cam", range(13, 15)); // 12 never comes
      assertThat(events(h, "cam")).hasSize(3);
      h.processWatermark(ts(14)); // 13 and 14 are taken (one missing frame is tolerated), 15 follows on
      assertThat(events(h, "cam")).extracting(ActionEvent::getLastSequenceNumber).containsExactly(7L, 9L, 11L, 14L);
      assertThat(events(h, "cam").get(3).getFirstSequenceNumber()).isEqualTo(6L);
      feed(h, "cam", 16);
      assertThat(events(h, "cam")).extracting(ActionEvent::getLastSequenceNumber).containsExactly(7L, 9L, 11L, 14L,
          16L);
      assertThat(fn.dropped(JobMetrics.LATE)).isZero();
    }
  }

  @Test
  void aLaggingCameraInOrderIsNotLateBehindOtherCamerasWatermark() throws Exception {
    ActionRecognizer fn = recognizer(2);
    try (var h = harness(fn)) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", 0);
      h.processWatermark(ts(50)); // other cameras moved event time on
      feed(h, "cam", range(1, 7));
      assertThat(fn.dropped(JobMetrics.LATE)).isZero();
      assertThat(events(h, "cam")).extracting(ActionEvent::getLastSequenceNumber).containsExactly(7L);
      feed(h, "cam", 3); // but a passed frame is late
      assertThat(fn.dropped(JobMetrics.LATE)).isEqualTo(1);
    }
  }

  @Test
  void framesBehindTheWatermarkAreDroppedAndCounted() throws Exception {
    ActionRecognizer fn = recognizer(2);
    try (var h = harness(fn)) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", 0, 1, 2, 3, 5, 6, 7, 8, 9);
      h.processWatermark(ts(9));
      feed(h, "cam", 4); // behind the watermark
      feed(h, "cam", 9); // duplicate of a passed frame
      feed(h, "cam", range(10, 11));
      h.processWatermark(ts(11));
      assertThat(fn.dropped(JobMetrics.LATE)).isEqualTo(2);
      // 4 never arrived in time: one missing frame is within the gap limit, the window holds 0-3, 5-11.
      assertThat(events(h, "cam")).extracting(ActionEvent::getLastSequenceNumber).containsExactly(8L, 10L);
    }
  }

  @Test
  void aBadReleaseIsRefusedWhileTheOldModelServes() throws Exception {
    ActionRecognizer fn = recognizer(2);
    try (var h = harness(fn)) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", range(0, 9));
      h.processWatermark(ts(9));

      byte[] otherBackbone = TestModels.artifact(2, "resnet18:abc", 4, CLIP, 2);
      byte[] otherDimension = TestModels.artifact(3, MeanColorExtractor.ID, 5, CLIP, 3);
      ModelRelease badSha = TestModels.release(4, TestModels.artifact(4, MeanColorExtractor.ID, 4, CLIP, 4));
      badSha.setSha256("00".repeat(32));
      byte[] truncated = Arrays.copyOf(V1, V1.length - 10);
      byte[] flipped = V1.clone();
      flipped[flipped.length / 2] ^= 0x5a; // a corrupt artifact whose release checksum matches its bytes
      h.processBroadcastElement(TestModels.release(2, otherBackbone), 0);
      h.processBroadcastElement(TestModels.release(3, otherDimension), 0);
      h.processBroadcastElement(badSha, 0);
      h.processBroadcastElement(TestModels.release(5, truncated), 0);
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      ModelRelease none = TestModels.release(6, V1);
      none.setArtifact((ByteBuffer) null);
      h.processBroadcastElement(none, 0);
      h.processBroadcastElement(TestModels.release(7, flipped), 0);
      h.processBroadcastElement(TestModels.release(8, TestModels.artifact(8, MeanColorExtractor.ID, 4, CLIP * 2, 8)),
          0);

      feed(h, "cam", range(10, 13));
      h.processWatermark(ts(13));
      assertThat(events(h, "cam")).extracting(ActionEvent::getModelVersion).containsOnly(1L).hasSize(4);

      List<ModelStatus> status = status(h);
      assertThat(status).extracting(ModelStatus::getVersion).containsExactly(1L, 2L, 3L, 4L, 5L, 1L, 6L, 7L, 8L);
      assertThat(status).extracting(ModelStatus::getStatus).containsExactly(ReleaseStatus.ACCEPTED,
          ReleaseStatus.REFUSED, ReleaseStatus.REFUSED, ReleaseStatus.REFUSED, ReleaseStatus.REFUSED,
          ReleaseStatus.REFUSED, ReleaseStatus.REFUSED, ReleaseStatus.REFUSED, ReleaseStatus.REFUSED);
      assertThat(status).extracting(ModelStatus::getServingVersion).containsOnly(1L);
      assertThat(status).extracting(ModelStatus::getSubtask).containsOnly(0);
      assertThat(status).extracting(st -> st.getTimestamp().toEpochMilli()).containsOnly(NOW);
      assertThat(status.get(0).getReason()).isEqualTo("serving");
      assertThat(status.get(1).getReason()).contains("resnet18:abc");
      assertThat(status.get(2).getReason()).contains("dimension 5");
      assertThat(status.get(3).getReason()).contains("SHA-256 mismatch");
      assertThat(status.get(4).getReason()).contains("model release v5").contains("truncated");
      assertThat(status.get(5).getReason()).contains("not newer");
      assertThat(status.get(6).getReason()).contains("exactly one of artifact and reference");
      assertThat(status.get(7).getReason()).contains("model release v7").contains("corrupt");
      assertThat(status.get(8).getReason()).contains("clip length 16");
      assertThat(fn.releases(ReleaseStatus.ACCEPTED)).isEqualTo(1);
      assertThat(fn.releases(ReleaseStatus.REFUSED)).isEqualTo(8);

      byte[] v9 = TestModels.artifact(9, MeanColorExtractor.ID, 4, CLIP, 9);
      h.processBroadcastElement(TestModels.release(9, v9), 0);
      h.getOutput().clear();
      feed(h, "cam", range(14, 15));
      h.processWatermark(ts(15));
      assertThat(events(h, "cam")).extracting(ActionEvent::getModelVersion).containsExactly(9L);
      assertThat(fn.releases(ReleaseStatus.ACCEPTED)).isEqualTo(2);
    }
  }

  @Test
  void everySubtaskSwapsToAModelWithOtherInputsAndHiddenSizeWithoutLosingAStride() throws Exception {
    // v1 reads inputs {0, 2} with H = 3; v2 reads {1, 2, 3} with H = 6: a window that kept only
    // v1's inputs could not be scored by v2.
    byte[] v1 = TestModels.artifact(1, MeanColorExtractor.ID, 4, CLIP, 11, new int[] {0, 2}, 3);
    byte[] v2 = TestModels.artifact(2, MeanColorExtractor.ID, 4, CLIP, 12, new int[] {1, 2, 3}, 6);
    List<String> cameras = List.of("cam-a", "cam-b", "cam-c", "cam-d", "cam-e", "cam-f");
    List<KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent>> subtasks = List.of(
        subtask(recognizer(2), 0), subtask(recognizer(2), 1));
    try (var s0 = subtasks.get(0); var s1 = subtasks.get(1)) {
      for (var h : subtasks) {
        h.processBroadcastElement(TestModels.release(1, v1), 0);
      }
      Map<String, List<ActionEvent>> before = new java.util.HashMap<>();
      for (int i = 0; i < 2; i++) {
        var h = subtasks.get(i);
        for (String camera : cameras) {
          if (owner(camera) == i) {
            feed(h, camera, range(0, 20));
          }
        }
        // subtask 0 swaps with frames 13-20 still pending, subtask 1 once everything up to 20 was scored
        h.processWatermark(ts(i == 0 ? 12 : 20));
        h.processBroadcastElement(TestModels.release(2, v2), 0);
        for (ActionEvent e : h.extractOutputValues()) {
          before.computeIfAbsent(e.getCameraId(), c -> new ArrayList<>()).add(e);
        }
        for (String camera : cameras) {
          if (owner(camera) == i) {
            feed(h, camera, range(21, 40));
          }
        }
        h.processWatermark(ts(40));
      }
      assertThat(cameras.stream().map(ActionRecognizerTest::owner).distinct()).containsExactlyInAnyOrder(0, 1);

      Map<Long, ModelArtifact> models = Map.of(1L, ModelArtifacts.fromBytes(v1, "v1"), 2L,
          ModelArtifacts.fromBytes(v2, "v2"));
      for (String camera : cameras) {
        var h = subtasks.get(owner(camera));
        List<ActionEvent> events = events(h, camera);
        assertThat(events).as(camera).extracting(ActionEvent::getLastSequenceNumber)
            .containsExactlyElementsOf(java.util.stream.LongStream.iterate(7, s -> s <= 40, s -> s + 2).boxed()
                .toList());
        int switched = before.getOrDefault(camera, List.of()).size();
        assertThat(switched).as(camera).isPositive().isLessThan(events.size());
        for (int k = 0; k < events.size(); k++) {
          ActionEvent e = events.get(k);
          assertThat(e.getModelVersion()).as("%s event %d", camera, k).isEqualTo(k < switched ? 1L : 2L);
          assertThat(e.getConfidence()).as("%s event %d scored on its window's full features", camera, k)
              .isCloseTo(expectedConfidence(models.get(e.getModelVersion()), camera, e), offset(1e-5f));
        }
      }
      for (int i = 0; i < 2; i++) {
        assertThat(status(subtasks.get(i))).extracting(ModelStatus::getSubtask, ModelStatus::getVersion,
            ModelStatus::getStatus).containsExactly(org.assertj.core.groups.Tuple.tuple(i, 1L, ReleaseStatus.ACCEPTED),
            org.assertj.core.groups.Tuple.tuple(i, 2L, ReleaseStatus.ACCEPTED));
      }
    }
  }

  @Test
  void aRestoredSubtaskServesTheSwappedModelAndRefusesOlderVersions() throws Exception {
    byte[] v2 = TestModels.artifact(2, MeanColorExtractor.ID, 4, CLIP, 12, new int[] {1, 3}, 5);
    OperatorSubtaskState snapshot;
    try (var h = harness(recognizer(2))) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", range(0, 9));
      h.processWatermark(ts(9));
      h.processBroadcastElement(TestModels.release(2, v2), 0);
      snapshot = h.snapshot(1, 1);
    }
    try (var h = unopened(recognizer(2))) {
      h.setup();
      h.initializeState(snapshot);
      h.open();
      h.processBroadcastWatermark(Long.MAX_VALUE);
      h.setProcessingTime(NOW);
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", range(10, 13));
      h.processWatermark(ts(13));
      List<ActionEvent> events = events(h, "cam");
      assertThat(events).extracting(ActionEvent::getLastSequenceNumber).containsExactly(11L, 13L);
      assertThat(events).extracting(ActionEvent::getModelVersion).containsOnly(2L);
      for (ActionEvent e : events) {
        assertThat(e.getConfidence()).isCloseTo(expectedConfidence(ModelArtifacts.fromBytes(v2, "v2"), "cam", e),
            offset(1e-5f));
      }
      assertThat(status(h)).extracting(ModelStatus::getStatus, ModelStatus::getServingVersion)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(ReleaseStatus.REFUSED, 2L));
    }
  }

  /** The top-1 probability of {@code model} over the event's window of full feature vectors. */
  private static float expectedConfidence(ModelArtifact model, String camera, ActionEvent e) {
    List<float[]> window = new ArrayList<>();
    for (int t = 0; t < CLIP; t++) {
      window.add(frame(camera, e.getFirstSequenceNumber() + t).features());
    }
    return TestModels.confidence(model, window);
  }

  /** Subtask {@code index} of 2 (max parallelism 128), opened, broadcast watermark at the maximum. */
  private static KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> subtask(
      ActionRecognizer fn, int index) throws Exception {
    var h = new KeyedBroadcastOperatorTestHarness<>(
        new CoBroadcastWithKeyedOperator<>(fn, List.of(ActionRecognizer.MODEL_STATE)), FeatureFrame::cameraId,
        Types.STRING, 128, 2, index);
    h.open();
    h.processBroadcastWatermark(Long.MAX_VALUE);
    h.setProcessingTime(NOW);
    return h;
  }

  /** The subtask of 2 that owns {@code camera}'s key group. */
  private static int owner(String camera) {
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(camera, 128, 2);
  }

  private static List<ModelStatus> status(
      KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> h) {
    return h.getSideOutput(ActionRecognizer.MODEL_STATUS).stream().map(StreamRecord::getValue)
        .collect(Collectors.toList());
  }

  private static List<ActionEvent> events(
      KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> h, String camera) {
    return h.extractOutputValues().stream().filter(e -> e.getCameraId().equals(camera)).collect(Collectors.toList());
  }
}
