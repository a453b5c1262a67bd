package io.vibstream.flink.functions;

import io.vibstream.flink.records.DeadLetter;
import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.schemas.Frame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes each {@link Frame} (JPEG, PNG or RAW_BGR) into a {@link DecodedFrame}. A frame that
 * does not decode goes to {@link #DEAD_LETTERS} with the reason and is counted as dropped
 * ({@code reason=corrupt}); the job goes on. Metrics: {@code framesIn}, {@code framesDropped}.
 */
public final class DecodeFunction extends ProcessFunction<Frame, DecodedFrame> {
  private static final long serialVersionUID = 1L;

  /** Side output of frames that failed to decode. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {
    private static final long serialVersionUID = 1L;
  };

  private transient Counter framesIn;
  private transient Counter corrupt;

  @Override
  public void open(OpenContext openContext) {
    framesIn = getRuntimeContext().getMetricGroup().counter("framesIn");
    corrupt = JobMetrics.dropped(getRuntimeContext().getMetricGroup(), JobMetrics.CORRUPT);
  }

  @Override
  public void processElement(Frame frame, Context ctx, Collector<DecodedFrame> out) {
    framesIn.inc();
    try {
      out.collect(decode(frame));
    } catch (IOException | RuntimeException e) {
      corrupt.inc();
      ctx.output(DEAD_LETTERS, new DeadLetter("decode", e.getMessage() == null ? e.toString() : e.getMessage(), frame));
    }
  }

  /**
   * Decodes one frame.
   *
   * @throws IOException with a one-line reason when the image is corrupt or inconsistent
   */
  public static DecodedFrame decode(Frame frame) throws IOException {
    byte[] bytes = bytes(frame.getImage());
    String camera = frame.getCameraId();
    long seq = frame.getSequenceNumber();
    long ts = frame.getCaptureTimestamp().toEpochMilli();
    switch (frame.getEncoding()) {
      case RAW_BGR -> {
        long expected = 3L * frame.getWidth() * frame.getHeight();
        if (frame.getWidth() < 1 || frame.getHeight() < 1 || bytes.length != expected) {
          throw new IOException("RAW_BGR frame " + frame.getWidth() + "x" + frame.getHeight() + " has " + bytes.length
              + " bytes, expected " + expected);
        }
        return new DecodedFrame(camera, seq, ts, frame.getWidth(), frame.getHeight(), bytes);
      }
      default -> {
        BufferedImage image;
        try {
          image = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
          throw new IOException("corrupt " + frame.getEncoding() + " (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
        if (image == null) {
          throw new IOException("not a decodable " + frame.getEncoding() + " image (" + bytes.length + " bytes)");
        }
        return DecodedFrame.of(camera, seq, ts, image);
      }
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
