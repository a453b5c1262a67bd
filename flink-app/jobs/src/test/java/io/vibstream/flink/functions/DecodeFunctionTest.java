package io.vibstream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.flink.records.DeadLetter;
import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.flink.records.FrameInput;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import javax.imageio.ImageIO;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class DecodeFunctionTest {
  static byte[] jpeg(Color color) throws Exception {
    BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
    var g = img.getGraphics();
    g.setColor(color);
    g.fillRect(0, 0, 16, 16);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpg", out);
    return out.toByteArray();
  }

  static Frame frame(long seq, ImageEncoding encoding, byte[] image) {
    return Frame.newBuilder().setCameraId("cam").setSequenceNumber(seq).setCaptureTimestamp(Instant.ofEpochMilli(
        1000 + seq)).setWidth(16).setHeight(16).setEncoding(encoding).setImage(ByteBuffer.wrap(image))
        .setGroundTruthLabel(null).build();
  }

  @Test
  void decodesGoodFramesAndSendsCorruptOnesToDeadLetters() throws Exception {
    try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new DecodeFunction(3))) {
      h.processElement(FrameInput.of(frame(0, ImageEncoding.JPEG, jpeg(Color.GREEN))), 1000);
      h.processElement(FrameInput.of(frame(1, ImageEncoding.JPEG, "not a jpeg".getBytes())), 1001);
      h.processElement(FrameInput.of(frame(2, ImageEncoding.RAW_BGR, new byte[16 * 16 * 3])), 1002);
      h.processElement(FrameInput.of(frame(3, ImageEncoding.RAW_BGR, new byte[5])), 1003);

      assertThat(h.extractOutputValues()).extracting(DecodedFrame::sequenceNumber).containsExactly(0L, 2L);
      DecodedFrame green = h.extractOutputValues().get(0);
      assertThat(green.width()).isEqualTo(16);
      assertThat(green.bgr()).hasSize(16 * 16 * 3);
      assertThat(green.bgr()[1] & 0xff).isGreaterThan(200);
      assertThat(h.getSideOutput(DecodeFunction.DEAD_LETTERS)).extracting(StreamRecord::getValue)
          .extracting(d -> d.frame().getSequenceNumber()).containsExactly(1L, 3L);
      DeadLetter first = h.getSideOutput(DecodeFunction.DEAD_LETTERS).peek().getValue();
      assertThat(first.stage()).isEqualTo("decode");
      assertThat(first.reason()).contains("JPEG");
    }
  }

  static byte[] littleEndian(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  @Test
  void featureFramesCarryTheirVectorAndNoImage() throws Exception {
    try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new DecodeFunction(3))) {
      h.processElement(FrameInput.of(frame(0, ImageEncoding.F32_FEATURES, littleEndian(1.5f, -2f, 0.25f))), 1000);
      DecodedFrame f = h.extractOutputValues().get(0);
      assertThat(f.hasFeatures()).isTrue();
      assertThat(f.features()).containsExactly(1.5f, -2f, 0.25f);
      assertThat(f.bgr()).isNull();
      assertThat(f.width()).isEqualTo(16);
      assertThat(f.captureTimestamp()).isEqualTo(1000L);
      assertThat(h.getSideOutput(DecodeFunction.DEAD_LETTERS)).isNullOrEmpty();
      assertThatThrownBy(f::toImage).hasMessageContaining("carries features");
    }
  }

  @Test
  void featureFramesOfTheWrongLengthAreDeadLetters() throws Exception {
    try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new DecodeFunction(3))) {
      h.processElement(FrameInput.of(frame(0, ImageEncoding.F32_FEATURES, new byte[11])), 1000);
      h.processElement(FrameInput.of(frame(1, ImageEncoding.F32_FEATURES, littleEndian(1f, 2f))), 1001);
      h.processElement(FrameInput.of(frame(2, ImageEncoding.F32_FEATURES, littleEndian(1f, 2f, 3f, 4f))), 1002);
      h.processElement(FrameInput.of(frame(3, ImageEncoding.F32_FEATURES, new byte[0])), 1003);
      h.processElement(FrameInput.of(frame(4, ImageEncoding.F32_FEATURES, littleEndian(1f, 2f, 3f))), 1004);

      assertThat(h.extractOutputValues()).extracting(DecodedFrame::sequenceNumber).containsExactly(4L);
      var dead = h.getSideOutput(DecodeFunction.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
      assertThat(dead).extracting(d -> d.frame().getSequenceNumber()).containsExactly(0L, 1L, 2L, 3L);
      assertThat(dead).allSatisfy(d -> {
        assertThat(d.stage()).isEqualTo("decode");
        assertThat(d.reason()).doesNotContain("\n");
      });
      assertThat(dead.get(0).reason()).isEqualTo("F32_FEATURES frame has 11 bytes, not a multiple of 4");
      assertThat(dead.get(1).reason()).isEqualTo("F32_FEATURES frame has 2 values, the backbone's dimension is 3");
      assertThat(dead.get(2).reason()).contains("has 4 values");
    }
  }

  @Test
  void theDimensionMustBePositive() {
    assertThatThrownBy(() -> new DecodeFunction(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
