package io.vibstream.connectors.camera;

import io.vibstream.connectors.video.VideoSource;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * URL to {@link VideoSource}: a factory registered for the URL's scheme (the text before
 * {@code ://}) if there is one, else FFmpeg ({@link CameraSource}), with live URLs wrapped in
 * a {@link ReconnectingVideoSource}. Other sources plug in by scheme, e.g.
 * {@code VideoSources.defaults().register("synth", (url, o) -> SyntheticCamera.open(url))}.
 */
public final class VideoSources {
  private final Map<String, VideoSourceFactory> byScheme = new LinkedHashMap<>();

  /** FFmpeg for everything; no extra schemes. */
  public static VideoSources defaults() {
    return new VideoSources();
  }

  /** Routes {@code scheme://...} URLs to {@code factory}; returns this. */
  public VideoSources register(String scheme, VideoSourceFactory factory) {
    byScheme.put(scheme.toLowerCase(Locale.ROOT), factory);
    return this;
  }

  /** Opens the URL. */
  public VideoSource open(String url, CameraSettings options) throws IOException {
    int sep = url.indexOf("://");
    if (sep > 0) {
      VideoSourceFactory factory = byScheme.get(url.substring(0, sep).toLowerCase(Locale.ROOT));
      if (factory != null) {
        return factory.open(url, options);
      }
    }
    if (CameraSource.isLive(url)) {
      return new ReconnectingVideoSource(url, () -> CameraSource.open(url, options),
          options.reconnectInitialBackoff(), options.reconnectMaxBackoff(), options.reconnectAttempts());
    }
    return CameraSource.open(url, options);
  }
}
