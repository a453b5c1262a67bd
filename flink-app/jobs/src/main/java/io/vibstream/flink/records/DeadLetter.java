package io.vibstream.flink.records;

import io.vibstream.schemas.Frame;

/**
 * A frame the job could not process: the stage that refused it, a one-line {@code reason}, the
 * reason's {@code code} (a {@code JobMetrics} reason, the label of its {@code framesDropped}
 * counter), the frame when its bytes were one (null when they were not a frame at all) and the
 * Kafka record it came from (null for frames from elsewhere). The dead-letter sink writes the
 * original key and value with the rest in headers.
 */
public record DeadLetter(String stage, String reason, Frame frame, String code, RecordOrigin origin) {}
