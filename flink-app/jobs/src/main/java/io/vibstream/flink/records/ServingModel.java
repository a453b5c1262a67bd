package io.vibstream.flink.records;

/** The model in broadcast state: its release version and the validated {@code .vib} bytes. */
public record ServingModel(long version, byte[] artifact) {}
