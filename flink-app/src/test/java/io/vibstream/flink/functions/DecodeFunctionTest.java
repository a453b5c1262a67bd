package io.vibstream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.flink.records.DeadLetter;
import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
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
    try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new DecodeFunction())) {
      h.processElement(frame(0, ImageEncoding.JPEG, jpeg(Color.GREEN)), 1000);
      h.processElement(frame(1, ImageEncoding.JPEG, "not a jpeg".getBytes()), 1001);
      h.processElement(frame(2, ImageEncoding.RAW_BGR, new byte[16 * 16 * 3]), 1002);
      h.processElement(frame(3, ImageEncoding.RAW_BGR, new byte[5]), 1003);

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
}
