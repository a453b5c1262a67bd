package io.vibstream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.flink.records.FrameBatch;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class FrameBatcherTest {
  private static DecodedFrame frame(String camera, long seq) {
    return new DecodedFrame(camera, seq, 1000 + seq, 1, 1, new byte[3]);
  }

  private static OneInputStreamOperatorTestHarness<DecodedFrame, FrameBatch> harness(int max, long waitMs)
      throws Exception {
    var h = new OneInputStreamOperatorTestHarness<>(new FrameBatcher(max, waitMs));
    h.setProcessingTime(0);
    h.open();
    return h;
  }

  private static List<List<String>> batches(OneInputStreamOperatorTestHarness<DecodedFrame, FrameBatch> h) {
    return h.extractOutputValues().stream()
        .map(b -> Arrays.stream(b.frames()).map(f -> f.cameraId() + ":" + f.sequenceNumber()).toList())
        .collect(Collectors.toList());
  }

  @Test
  void emitsFullBatchesAcrossCameras() throws Exception {
    try (var h = harness(3, 100)) {
      for (int i = 0; i < 7; i++) {
        h.processElement(frame(i % 2 == 0 ? "a" : "b", i), 1000 + i);
      }
      assertThat(batches(h)).containsExactly(List.of("a:0", "b:1", "a:2"), List.of("b:3", "a:4", "b:5"));
      assertThat(h.extractOutputStreamRecords()).extracting(StreamRecord::getTimestamp).containsExactly(1002L, 1005L);
    }
  }

  @Test
  void emitsAPartialBatchAfterMaxWait() throws Exception {
    try (var h = harness(8, 100)) {
      h.processElement(frame("a", 0), 1000);
      h.setProcessingTime(50);
      h.processElement(frame("b", 0), 1000);
      h.setProcessingTime(99);
      assertThat(h.extractOutputValues()).isEmpty();
      h.setProcessingTime(100); // 100 ms after the batch's first frame
      assertThat(batches(h)).containsExactly(List.of("a:0", "b:0"));
      h.processElement(frame("a", 1), 1001);
      h.setProcessingTime(199);
      assertThat(batches(h)).hasSize(1);
      h.setProcessingTime(200);
      assertThat(batches(h)).containsExactly(List.of("a:0", "b:0"), List.of("a:1"));
      assertThat(h.getProcessingTimeService().getNumActiveTimers()).isZero();
    }
  }

  @Test
  void aFullBatchCancelsItsTimer() throws Exception {
    try (var h = harness(2, 100)) {
      h.processElement(frame("a", 0), 1000);
      h.processElement(frame("a", 1), 1001);
      assertThat(h.getProcessingTimeService().getNumActiveTimers()).isZero();
      h.setProcessingTime(100);
      assertThat(batches(h)).hasSize(1);
    }
  }

  @Test
  void flushesThePendingBatchBeforeACheckpointBarrier() throws Exception {
    try (var h = harness(8, 10_000)) {
      h.processElement(frame("a", 0), 1000);
      h.processElement(frame("b", 0), 1000);
      h.prepareSnapshotPreBarrier(1);
      assertThat(batches(h)).containsExactly(List.of("a:0", "b:0"));
      assertThat(h.snapshot(1, 1)).isNotNull();
    }
  }

  @Test
  void holdsTheWatermarkBackUntilPendingFramesAreOut() throws Exception {
    try (var h = harness(8, 100)) {
      h.processWatermark(500);
      h.processElement(frame("a", 0), 1000);
      h.processWatermark(1000);
      assertThat(h.getOutput()).containsExactly(new Watermark(500));
      h.setProcessingTime(100);
      Object[] out = h.getOutput().toArray();
      assertThat(out).hasSize(3);
      assertThat(out[1]).isInstanceOf(StreamRecord.class);
      assertThat(out[2]).isEqualTo(new Watermark(1000));
    }
  }

  @Test
  void batchesFeatureFramesWithImageFramesInArrivalOrder() throws Exception {
    try (var h = harness(3, 100)) {
      h.processElement(frame("a", 0), 1000);
      h.processElement(DecodedFrame.ofFeatures("b", 0, 1000, 0, 0, new float[] {1f, 2f}), 1000);
      h.processElement(frame("a", 1), 1001);
      h.processElement(DecodedFrame.ofFeatures("b", 1, 1001, 0, 0, new float[] {3f, 4f}), 1001);
      h.setProcessingTime(100);
      assertThat(batches(h)).containsExactly(List.of("a:0", "b:0", "a:1"), List.of("b:1"));
      FrameBatch first = h.extractOutputValues().get(0);
      assertThat(first.frames()[1].features()).containsExactly(1f, 2f);
      assertThat(first.frames()[0].hasFeatures()).isFalse();
    }
  }
}
