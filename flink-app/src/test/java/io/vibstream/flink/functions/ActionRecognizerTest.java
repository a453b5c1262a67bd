package io.vibstream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.flink.records.BackboneIdentity;
import io.vibstream.flink.records.FeatureFrame;
import io.vibstream.flink.records.ModelStatus;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.runtime.VectorLstmRuntime;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.ModelRelease;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
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
      h.processWatermark(ts(10)); // cam-a 11 and 12 still pending in state, with their timers
      snapshot = h.snapshot(1, 1);
      h.getOutput().clear();
      feed(h, "cam-a", range(13, 30));
      feed(h, "cam-b", range(11, 30));
      h.setProcessingTime(NOW + 500);
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
    try (var h = harness(recognizer(2))) {
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      feed(h, "cam", range(0, 9));
      h.processWatermark(ts(9));

      byte[] otherBackbone = TestModels.artifact(2, "resnet18:abc", 4, CLIP, 2);
      byte[] otherDimension = TestModels.artifact(3, MeanColorExtractor.ID, 5, CLIP, 3);
      ModelRelease badSha = TestModels.release(4, TestModels.artifact(4, MeanColorExtractor.ID, 4, CLIP, 4));
      badSha.setSha256("00".repeat(32));
      byte[] garbage = Arrays.copyOf(V1, V1.length - 10);
      h.processBroadcastElement(TestModels.release(2, otherBackbone), 0);
      h.processBroadcastElement(TestModels.release(3, otherDimension), 0);
      h.processBroadcastElement(badSha, 0);
      h.processBroadcastElement(TestModels.release(5, garbage), 0);
      h.processBroadcastElement(TestModels.release(1, V1), 0);
      ModelRelease none = TestModels.release(6, V1);
      none.setArtifact((ByteBuffer) null);
      h.processBroadcastElement(none, 0);

      feed(h, "cam", range(10, 13));
      h.processWatermark(ts(13));
      assertThat(events(h, "cam")).extracting(ActionEvent::getModelVersion).containsOnly(1L).hasSize(4);

      List<ModelStatus> status = h.getSideOutput(ActionRecognizer.MODEL_STATUS).stream().map(StreamRecord::getValue)
          .collect(Collectors.toList());
      assertThat(status).extracting(ModelStatus::accepted).containsExactly(true, false, false, false, false, false,
          false);
      assertThat(status.subList(1, status.size())).extracting(ModelStatus::servingVersion).containsOnly(1L);
      assertThat(status.get(1).reason()).contains("resnet18:abc");
      assertThat(status.get(2).reason()).contains("dimension 5");
      assertThat(status.get(3).reason()).contains("SHA-256 mismatch");
      assertThat(status.get(4).reason()).contains("model release v5");
      assertThat(status.get(5).reason()).contains("not newer");
      assertThat(status.get(6).reason()).contains("exactly one of artifact and reference");

      byte[] v7 = TestModels.artifact(7, MeanColorExtractor.ID, 4, CLIP, 7);
      h.processBroadcastElement(TestModels.release(7, v7), 0);
      h.getOutput().clear();
      feed(h, "cam", range(14, 15));
      h.processWatermark(ts(15));
      assertThat(events(h, "cam")).extracting(ActionEvent::getModelVersion).containsExactly(7L);
    }
  }

  private static List<ActionEvent> events(
      KeyedBroadcastOperatorTestHarness<String, FeatureFrame, ModelRelease, ActionEvent> h, String camera) {
    return h.extractOutputValues().stream().filter(e -> e.getCameraId().equals(camera)).collect(Collectors.toList());
  }
}
