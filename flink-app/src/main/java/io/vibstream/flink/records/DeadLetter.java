package io.vibstream.flink.records;

import io.vibstream.schemas.Frame;

/**
 * A frame the job could not process, with the stage that refused it and why; the dead-letter
 * sink writes the original frame with the reason in headers.
 */
public record DeadLetter(String stage, String reason, Frame frame) {}
