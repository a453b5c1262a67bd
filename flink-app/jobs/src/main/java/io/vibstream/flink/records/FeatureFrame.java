package io.vibstream.flink.records;

import io.vibstream.model.pose.PersonBox;

/**
 * One frame's features for the recognizer: a whole camera's backbone features ({@code trackId}
 * {@link #NO_TRACK}, {@code box} null), or one tracked person's features in pose mode, with the
 * track id and the person's box. A person record with null features marks the end of its track
 * ({@link #end}): the recognizer closes that track's window and frees its state.
 */
public record FeatureFrame(String cameraId, long sequenceNumber, long captureTimestamp, float[] features, long trackId,
    PersonBox box) {
  /** The track id of a whole-camera frame. */
  public static final long NO_TRACK = -1;

  /** A whole camera's frame. */
  public FeatureFrame(String cameraId, long sequenceNumber, long captureTimestamp, float[] features) {
    this(cameraId, sequenceNumber, captureTimestamp, features, NO_TRACK, null);
  }

  /** The end of track {@code trackId} of {@code cameraId}, noticed at frame {@code sequenceNumber}. */
  public static FeatureFrame end(String cameraId, long trackId, long sequenceNumber, long captureTimestamp) {
    return new FeatureFrame(cameraId, sequenceNumber, captureTimestamp, null, trackId, null);
  }

  /** Whether this record ends its track instead of carrying features. */
  public boolean endsTrack() {
    return features == null;
  }

  /** The recognizer's key: the camera id, or {@code cameraId/trackId} for a tracked person. */
  public String key() {
    return trackId == NO_TRACK ? cameraId : key(cameraId, trackId);
  }

  /** The recognizer's key of track {@code trackId} of {@code cameraId}. */
  public static String key(String cameraId, long trackId) {
    return cameraId + "/" + trackId;
  }
}
