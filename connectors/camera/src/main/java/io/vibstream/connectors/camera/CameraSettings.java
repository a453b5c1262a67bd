package io.vibstream.connectors.camera;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to open a camera.
 *
 * @param width output width in pixels (FFmpeg scales), or 0 for the source's
 * @param height output height in pixels, or 0 for the source's
 * @param timeout live inputs: socket/read timeout passed to FFmpeg as {@code timeout} and
 *     {@code rw_timeout} (and {@code listen_timeout} for listening RTSP); never infinite
 * @param reconnectInitialBackoff first wait before reconnecting a dropped live stream; doubles per failed attempt
 * @param reconnectMaxBackoff cap of the wait
 * @param reconnectAttempts failed reconnect attempts in a row before giving up
 * @param ffmpegOptions extra FFmpeg input options (e.g. {@code rtsp_transport=tcp}); applied last
 * @param decoderThreads FFmpeg decoder threads per camera (1: one core per camera, predictable
 *     on small machines with many cameras; 0: FFmpeg's automatic choice)
 */
public record CameraSettings(int width, int height, Duration timeout, Duration reconnectInitialBackoff,
    Duration reconnectMaxBackoff, int reconnectAttempts, Map<String, String> ffmpegOptions, int decoderThreads) {
  public CameraSettings {
    if (width < 0 || height < 0 || (width == 0) != (height == 0)) {
      throw new IllegalArgumentException("size must be WxH with both > 0, or unset; got " + width + "x" + height);
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be positive: live inputs block forever without one");
    }
    Objects.requireNonNull(reconnectInitialBackoff, "reconnectInitialBackoff");
    Objects.requireNonNull(reconnectMaxBackoff, "reconnectMaxBackoff");
    if (reconnectAttempts < 0) {
      throw new IllegalArgumentException("reconnectAttempts must be >= 0");
    }
    ffmpegOptions = Map.copyOf(ffmpegOptions);
    if (decoderThreads < 0) {
      throw new IllegalArgumentException("decoderThreads must be >= 0");
    }
  }

  /** Source size, 5 s timeout, reconnect after 0.5 s doubling up to 30 s, 10 attempts, 1 decoder thread. */
  public static CameraSettings defaults() {
    return new CameraSettings(0, 0, Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(30), 10, Map.of(), 1);
  }

  /** With another number of decoder threads (0 = FFmpeg's automatic choice). */
  public CameraSettings withDecoderThreads(int threads) {
    return new CameraSettings(width, height, timeout, reconnectInitialBackoff, reconnectMaxBackoff, reconnectAttempts,
        ffmpegOptions, threads);
  }

  /** Scaled to {@code w x h}. */
  public CameraSettings withSize(int w, int h) {
    return new CameraSettings(w, h, timeout, reconnectInitialBackoff, reconnectMaxBackoff, reconnectAttempts,
        ffmpegOptions, decoderThreads);
  }

  /** With another live-input timeout. */
  public CameraSettings withTimeout(Duration t) {
    return new CameraSettings(width, height, t, reconnectInitialBackoff, reconnectMaxBackoff, reconnectAttempts,
        ffmpegOptions, decoderThreads);
  }

  /** With another reconnect policy. */
  public CameraSettings withReconnect(Duration initial, Duration max, int attempts) {
    return new CameraSettings(width, height, timeout, initial, max, attempts, ffmpegOptions, decoderThreads);
  }

  /** With one more FFmpeg input option. */
  public CameraSettings withFfmpegOption(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(ffmpegOptions);
    m.put(key, value);
    return new CameraSettings(width, height, timeout, reconnectInitialBackoff, reconnectMaxBackoff, reconnectAttempts, m,
        decoderThreads);
  }

  /** Parses {@code WxH}, e.g. {@code 224x224}. */
  public static int[] parseSize(String size) {
    String[] parts = size.toLowerCase(java.util.Locale.ROOT).split("x");
    try {
      if (parts.length == 2) {
        int w = Integer.parseInt(parts[0].strip());
        int h = Integer.parseInt(parts[1].strip());
        if (w > 0 && h > 0) {
          return new int[] {w, h};
        }
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException("size must be WxH with positive integers, e.g. 224x224; got '" + size + "'");
  }
}
