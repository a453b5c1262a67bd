package io.vibstream.connectors.datasets;

import io.vibstream.connectors.video.VideoClip;
import io.vibstream.connectors.video.VideoDataset;
import java.util.List;

/** A data set whose labels and clips are read once, by its constructor. */
abstract class ListedDataset implements VideoDataset {
  private List<String> labels = List.of();
  private List<VideoClip> clips = List.of();

  /** Keeps what the constructor read. */
  final void listed(List<String> labels, List<VideoClip> clips) {
    this.labels = List.copyOf(labels);
    this.clips = List.copyOf(clips);
  }

  @Override
  public final List<String> labels() {
    return labels;
  }

  @Override
  public final List<VideoClip> clips() {
    return clips;
  }
}
