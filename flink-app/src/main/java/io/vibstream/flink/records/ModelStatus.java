package io.vibstream.flink.records;

/**
 * The outcome of one {@code ModelRelease}: accepted (now serving) or refused with a one-line
 * reason (the previous model keeps serving).
 */
public record ModelStatus(long version, boolean accepted, String reason, long servingVersion) {}
