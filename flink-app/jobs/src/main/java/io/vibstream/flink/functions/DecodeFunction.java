package io.vibstream.flink.functions;

import io.vibstream.flink.records.DeadLetter;
import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.flink.records.FrameInput;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes each admitted {@link Frame} (JPEG, PNG or RAW_BGR) into a {@link DecodedFrame}; an
 * {@code F32_FEATURES} frame (features computed on the camera by the job's backbone) becomes a
 * DecodedFrame that carries the float vector and no image. A frame that does not decode (corrupt
 * image, a JPEG without its end-of-image marker, i.e. truncated, an image larger than the frame
 * says, read from its header before decoding, a feature payload that is not a
 * whole number of floats or not the backbone's dimension) goes to {@link #DEAD_LETTERS} with a
 * one-line reason and its origin, and is counted as dropped ({@code reason=corrupt}); the job
 * goes on. Metrics: {@code framesIn}, {@code framesDropped}.
 */
public final class DecodeFunction extends ProcessFunction<FrameInput, DecodedFrame> {
  private static final long serialVersionUID = 1L;

  /** Side output of frames that failed to decode (and of the job's other frame checks). */
  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {
    private static final long serialVersionUID = 1L;
  };

  private final int featureDimension;

  private transient Counter framesIn;
  private transient Counter corrupt;

  /** @param featureDimension the backbone's feature dimension: the length every F32_FEATURES frame must have, >= 1 */
  public DecodeFunction(int featureDimension) {
    if (featureDimension < 1) {
      throw new IllegalArgumentException("featureDimension must be >= 1, got " + featureDimension);
    }
    this.featureDimension = featureDimension;
  }

  @Override
  public void open(OpenContext openContext) {
    framesIn = getRuntimeContext().getMetricGroup().counter("framesIn");
    corrupt = JobMetrics.dropped(getRuntimeContext().getMetricGroup(), JobMetrics.CORRUPT);
  }

  @Override
  public void processElement(FrameInput input, Context ctx, Collector<DecodedFrame> out) {
    framesIn.inc();
    try {
      out.collect(decode(input.frame(), featureDimension));
    } catch (IOException | RuntimeException e) {
      corrupt.inc();
      ctx.output(DEAD_LETTERS, input.refuse("decode", JobMetrics.CORRUPT,
          e.getMessage() == null ? e.toString() : e.getMessage()));
    }
  }

  /**
   * Decodes one frame.
   *
   * @param featureDimension the length an F32_FEATURES frame's vector must have
   * @throws IOException with a one-line reason when the image is corrupt or inconsistent
   */
  public static DecodedFrame decode(Frame frame, int featureDimension) throws IOException {
    String camera = frame.getCameraId();
    long seq = frame.getSequenceNumber();
    long ts = frame.getCaptureTimestamp().toEpochMilli();
    if (frame.getEncoding() == ImageEncoding.F32_FEATURES) {
      return DecodedFrame.ofFeatures(camera, seq, ts, frame.getWidth(), frame.getHeight(),
          features(frame.getImage(), featureDimension));
    }
    byte[] bytes = bytes(frame.getImage());
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
        if (frame.getEncoding() == ImageEncoding.JPEG && !endsJpeg(bytes)) {
          throw new IOException("truncated JPEG (" + bytes.length + " bytes): no end-of-image marker");
        }
        BufferedImage image;
        try {
          image = read(bytes, frame.getWidth(), frame.getHeight());
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

  /**
   * The image, or null when no reader knows its format. Its size is read from its header first: an
   * image larger than the frame says (a decompression bomb behind a small frame) is refused before
   * any pixel memory is allocated.
   */
  private static BufferedImage read(byte[] bytes, int width, int height) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        return null;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w > width || h > height) {
          throw new IOException("the image is " + w + "x" + h + " pixels, the frame says " + width + "x" + height);
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    }
  }

  /** Whether a JPEG ends with its end-of-image marker (FF D9), ignoring zero padding after it. */
  private static boolean endsJpeg(byte[] bytes) {
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] == 0) {
      end--;
    }
    return end >= 4 && (bytes[end - 2] & 0xff) == 0xff && (bytes[end - 1] & 0xff) == 0xd9;
  }

  /** Little-endian float32 values, exactly {@code dimension} of them. */
  private static float[] features(ByteBuffer buffer, int dimension) throws IOException {
    int length = buffer.remaining();
    if (length % Float.BYTES != 0) {
      throw new IOException("F32_FEATURES frame has " + length + " bytes, not a multiple of 4");
    }
    if (length / Float.BYTES != dimension) {
      throw new IOException("F32_FEATURES frame has " + length / Float.BYTES + " values, the backbone's dimension is "
          + dimension);
    }
    float[] out = new float[dimension];
    buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
