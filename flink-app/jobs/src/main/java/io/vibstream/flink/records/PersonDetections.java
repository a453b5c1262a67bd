package io.vibstream.flink.records;

import io.vibstream.model.pose.PersonPose;

/**
 * The people the pose estimator found in one camera frame (possibly none: the tracker still needs
 * the frame to age its tracks). An array, not a list, so Flink serializes it without Kryo.
 */
public record PersonDetections(String cameraId, long sequenceNumber, long captureTimestamp, PersonPose[] persons) {}
