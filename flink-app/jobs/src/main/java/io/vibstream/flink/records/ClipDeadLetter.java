package io.vibstream.flink.records;

import io.vibstream.schemas.LabeledClip;

/**
 * A labeled clip the retrain job could not use, as {@link DeadLetter} is for frames: the stage
 * that refused it, a one-line {@code reason}, its {@code code} (a {@code JobMetrics} reason, the
 * label of its {@code clipsDropped} counter), the clip when its bytes were one and the Kafka record
 * it came from (null for clips from elsewhere).
 */
public record ClipDeadLetter(String stage, String reason, LabeledClip clip, String code, RecordOrigin origin) {}
