package io.vibstream.flink.records;

import io.vibstream.schemas.LabeledClip;

/**
 * A record of the retrain job's clips input: the {@link LabeledClip} it holds, or, when its bytes
 * were not a clip (not valid Avro, an unknown schema version), no clip and why ({@code code}, one
 * of the {@code JobMetrics} reasons, and a one-line {@code reason}). {@code origin} is the Kafka
 * record it was read from, or null for clips that come from elsewhere.
 */
public record ClipInput(LabeledClip clip, RecordOrigin origin, String code, String reason) {

  /** A clip without a Kafka origin. */
  public static ClipInput of(LabeledClip clip) {
    return new ClipInput(clip, null, null, null);
  }

  /** A clip read from {@code origin}. */
  public static ClipInput read(LabeledClip clip, RecordOrigin origin) {
    return new ClipInput(clip, origin, null, null);
  }

  /** A record of {@code origin} that is not a clip. */
  public static ClipInput unreadable(RecordOrigin origin, String code, String reason) {
    return new ClipInput(null, origin, code, reason);
  }

  /** This input refused at {@code stage}: a dead letter with its origin. */
  public ClipDeadLetter refuse(String stage, String code, String reason) {
    return new ClipDeadLetter(stage, reason, clip, code, origin);
  }
}
