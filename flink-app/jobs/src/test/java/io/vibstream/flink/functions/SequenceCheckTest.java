package io.vibstream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.flink.records.DeadLetter;
import io.vibstream.flink.records.FrameInput;
import io.vibstream.flink.records.FrameLimits;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * What the per-camera sequence check lets through beside what it refuses (the refusals on a
 * running job: {@code HostileInputKafkaTest}): frames a little out of order, a camera restarting
 * at 0, an old frame while the watermark has not passed it.
 */
class SequenceCheckTest {
  private static final long T0 = 1_750_000_000_000L;

  @Test
  void passesReorderingAndRestartsRefusesRepeatsAndFramesFarBehind() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, FrameInput, FrameInput> h =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(new SequenceCheck(200),
            i -> i.frame().getCameraId(), Types.STRING)) {
      feed(h, "cam", 0, T0);
      feed(h, "cam", 2, T0 + 80);
      feed(h, "cam", 1, T0 + 40);            // a little out of order: the recognizer reorders it
      feed(h, "cam", 1, T0 + 40);            // the same frame again
      feed(h, "cam", 3, T0 + 120);
      feed(h, "cam", 2, T0 + 5_000);         // went back with a later capture time: a repeat
      feed(h, "cam", 4, T0 - 10_000);        // far behind, but the watermark has not passed it
      h.processWatermark(T0);
      feed(h, "cam", 5, T0 - 20_000);        // far behind and behind the watermark
      feed(h, "cam", 0, T0 + 10_000);        // restarted at 0: a new run
      feed(h, "cam", 1, T0 + 10_040);
      feed(h, "other", 7, T0 + 100);         // cameras are independent

      assertThat(h.extractOutputValues()).extracting(i -> i.frame().getCameraId() + "#"
          + i.frame().getSequenceNumber()).containsExactly("cam#0", "cam#2", "cam#1", "cam#3", "cam#4", "cam#0",
              "cam#1", "other#7");
      List<DeadLetter> dead = h.getSideOutput(DecodeFunction.DEAD_LETTERS).stream().map(StreamRecord::getValue)
          .toList();
      assertThat(dead).extracting(d -> d.frame().getSequenceNumber() + ":" + d.code()).containsExactly(
          "1:" + JobMetrics.REPEATED_SEQUENCE, "2:" + JobMetrics.REPEATED_SEQUENCE, "5:" + JobMetrics.OUT_OF_ORDER);
      assertThat(dead).extracting(DeadLetter::stage).containsOnly(SequenceCheck.STAGE);
    }
  }

  @Test
  void admissionRefusesByLimitsAndTheWatermarksIgnoreRefusedFrames() {
    FrameLimits limits = FrameLimits.defaults().withMaxFrameBytes(100).withAllowedCameras(Set.of("cam"));
    long now = T0;
    assertThat(FrameAdmission.refusal(input("cam", 0, T0, 32, 32, 10), limits, now)).isNull();
    assertThat(FrameAdmission.refusal(input("cam", 0, T0, 0, 0, 10), limits, now).code())
        .isEqualTo(JobMetrics.BAD_DIMENSIONS);
    assertThat(FrameAdmission.refusal(features("cam", 0, 0), limits, now)).as("feature frames may say 0x0").isNull();
    assertThat(FrameAdmission.refusal(input("cam", 0, T0, 7680, 4320, 10), limits, now)).as("8K").isNull();
    DeadLetter huge = FrameAdmission.refusal(input("cam", 0, T0, 16384, 16384, 10), limits, now);
    assertThat(huge.code()).isEqualTo(JobMetrics.BAD_DIMENSIONS);
    assertThat(huge.reason()).isEqualTo("JPEG frame of 16384x16384 pixels, more than the 33554432 an image may have");
    assertThat(FrameAdmission.refusal(input("cam", 0, T0, 32, 32, 101), limits, now).code())
        .isEqualTo(JobMetrics.TOO_LARGE);
    assertThat(FrameAdmission.refusal(input("intruder", 0, T0, 32, 32, 10), limits, now).code())
        .isEqualTo(JobMetrics.UNKNOWN_CAMERA);
    assertThat(FrameAdmission.refusal(input("cam", 0, T0 + 60_000, 32, 32, 10), limits, now)).isNull();
    assertThat(FrameAdmission.refusal(input("cam", 0, T0 + 60_001, 32, 32, 10), limits, now).code())
        .isEqualTo(JobMetrics.FUTURE_TIMESTAMP);
    assertThat(FrameAdmission.eventTime(input("cam", 0, T0 + 60_001, 32, 32, 10), limits, now))
        .isEqualTo(Long.MIN_VALUE);
    assertThat(FrameAdmission.eventTime(input("cam", 0, T0, 32, 32, 10), limits, now)).isEqualTo(T0);
    assertThat(FrameAdmission.refusal(input("cam", 0, -1, 32, 32, 10), limits, now).code())
        .isEqualTo(JobMetrics.NEGATIVE_TIMESTAMP);
    assertThat(FrameAdmission.refusal(input("anyone", 0, T0, 32, 32, 1_000_000), FrameLimits.defaults(), now))
        .as("no limits by default").isNull();
    assertThatThrownBy(() -> FrameLimits.defaults().withMaxFrameBytes(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FrameLimits.defaults().withAllowedCameras(Set.of(" ")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FrameLimits.defaults().withMaxClockSkew(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void feed(KeyedOneInputStreamOperatorTestHarness<String, FrameInput, FrameInput> h, String camera,
      long seq, long ts) throws Exception {
    h.processElement(input(camera, seq, ts, 16, 16, 10), ts);
  }

  private static FrameInput input(String camera, long seq, long ts, int width, int height, int bytes) {
    return FrameInput.of(Frame.newBuilder().setCameraId(camera).setSequenceNumber(seq)
        .setCaptureTimestamp(Instant.ofEpochMilli(ts)).setWidth(width).setHeight(height)
        .setEncoding(ImageEncoding.JPEG).setImage(ByteBuffer.wrap(new byte[bytes])).setGroundTruthLabel(null).build());
  }

  private static FrameInput features(String camera, int width, int height) {
    return FrameInput.of(Frame.newBuilder().setCameraId(camera).setSequenceNumber(0)
        .setCaptureTimestamp(Instant.ofEpochMilli(T0)).setWidth(width).setHeight(height)
        .setEncoding(ImageEncoding.F32_FEATURES).setImage(ByteBuffer.wrap(new byte[16])).setGroundTruthLabel(null)
        .build());
  }
}
