package io.vibstream.connectors.video;

import java.util.List;

/** A labeled video data set on disk (UCF11, UCF101, HMDB51 or a synthetic one in their layout). */
public interface VideoDataset {
  /** Class names in label order. */
  List<String> labels();

  /** Every clip with its split. */
  List<VideoClip> clips();
}
