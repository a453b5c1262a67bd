package io.vibstream.flink.records;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the job admits on its frames input; frames outside these limits are dead-lettered.
 *
 * @param maxFrameBytes the largest frame record (its Kafka value, or the image payload of a frame
 *     from elsewhere) in bytes, or 0 for no limit
 * @param allowedCameras the camera ids admitted, or empty to admit every camera
 * @param maxClockSkew how far a capture time may lie ahead of the job's clock
 */
public record FrameLimits(long maxFrameBytes, Set<String> allowedCameras, Duration maxClockSkew)
    implements Serializable {
  /** The largest width or height admitted, in pixels (beyond 16K video). */
  public static final int MAX_SIDE = 16384;
  /**
   * The most pixels an image frame may have, 2^25 (8K UHD, 7680 x 4320, fits): its decoded BGR
   * pixels take at most 96 MiB, however small the compressed JPEG or PNG that claims them.
   */
  public static final long MAX_PIXELS = 1L << 25;

  public FrameLimits {
    Objects.requireNonNull(allowedCameras, "allowedCameras");
    Objects.requireNonNull(maxClockSkew, "maxClockSkew");
    if (maxFrameBytes < 0 || maxClockSkew.isNegative() || allowedCameras.stream().anyMatch(c -> c == null || c.isBlank())) {
      throw new IllegalArgumentException("invalid frame limits: maxFrameBytes=" + maxFrameBytes + ", allowedCameras="
          + allowedCameras + ", maxClockSkew=" + maxClockSkew);
    }
    allowedCameras = Collections.unmodifiableSortedSet(new TreeSet<>(allowedCameras));
  }

  /** No size limit, every camera, capture times up to 1 minute ahead. */
  public static FrameLimits defaults() {
    return new FrameLimits(0, Set.of(), Duration.ofMinutes(1));
  }

  public FrameLimits withMaxFrameBytes(long bytes) {
    return new FrameLimits(bytes, allowedCameras, maxClockSkew);
  }

  public FrameLimits withAllowedCameras(Set<String> cameras) {
    return new FrameLimits(maxFrameBytes, cameras, maxClockSkew);
  }

  public FrameLimits withMaxClockSkew(Duration skew) {
    return new FrameLimits(maxFrameBytes, allowedCameras, skew);
  }
}
