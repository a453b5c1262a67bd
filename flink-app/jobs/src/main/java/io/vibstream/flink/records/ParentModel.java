package io.vibstream.flink.records;

/** The current model of the retrain job, parent of its next candidate: version and {@code .vib} bytes. */
public record ParentModel(long version, byte[] artifact) {}
