package io.vibstream.flink.records;

import io.vibstream.schemas.Frame;

/**
 * A record of the frames input: the {@link Frame} it holds, or, when its bytes were not a frame
 * (not valid Avro, an unknown schema version), no frame and why ({@code code}, one of the
 * {@code JobMetrics} reasons, and a one-line {@code reason}). {@code origin} is the Kafka record it
 * was read from, or null for frames that come from elsewhere (in-memory sources in tests).
 */
public record FrameInput(Frame frame, RecordOrigin origin, String code, String reason) {

  /** A frame without a Kafka origin. */
  public static FrameInput of(Frame frame) {
    return new FrameInput(frame, null, null, null);
  }

  /** A frame read from {@code origin}. */
  public static FrameInput read(Frame frame, RecordOrigin origin) {
    return new FrameInput(frame, origin, null, null);
  }

  /** A record of {@code origin} that is not a frame. */
  public static FrameInput unreadable(RecordOrigin origin, String code, String reason) {
    return new FrameInput(null, origin, code, reason);
  }

  /** The size of the record: its value's bytes when read from Kafka, else the frame's image payload. */
  public int size() {
    if (origin != null && origin.value() != null) {
      return origin.value().length;
    }
    return frame == null ? 0 : frame.getImage().remaining();
  }

  /** This input refused at {@code stage}: a dead letter with its origin. */
  public DeadLetter refuse(String stage, String code, String reason) {
    return new DeadLetter(stage, reason, frame, code, origin);
  }
}
