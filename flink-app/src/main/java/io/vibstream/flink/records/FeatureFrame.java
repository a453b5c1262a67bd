package io.vibstream.flink.records;

/** One frame's backbone features, keyed downstream by camera. */
public record FeatureFrame(String cameraId, long sequenceNumber, long captureTimestamp, float[] features) {}
