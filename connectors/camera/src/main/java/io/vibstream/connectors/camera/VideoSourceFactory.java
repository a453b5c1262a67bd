package io.vibstream.connectors.camera;

import io.vibstream.connectors.video.VideoSource;
import java.io.IOException;

/** Opens a {@link VideoSource} for a URL; registered per URL scheme in {@link VideoSources}. */
@FunctionalInterface
public interface VideoSourceFactory {
  /** Opens the source, or throws a one-line IOException. */
  VideoSource open(String url, CameraSettings options) throws IOException;
}
