package io.vibstream.model.pose;

/**
 * One decoded camera frame for the pose stage: row-major BGR pixels ({@code width * height * 3}
 * bytes), decoded once and read in place by detection and cropping.
 */
public record PoseFrame(String cameraId, long sequenceNumber, long captureTimestamp, int width, int height,
    byte[] bgr) {
  public PoseFrame {
    if (width < 1 || height < 1 || bgr == null || bgr.length != width * height * 3) {
      throw new IllegalArgumentException("frame " + cameraId + "#" + sequenceNumber + ": " + width + "x" + height
          + " needs " + (long) Math.max(width, 0) * Math.max(height, 0) * 3 + " BGR bytes");
    }
  }
}
