package io.vibstream.connectors.datasets;

import io.vibstream.connectors.video.VideoClip;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A data set in the layout {@code SyntheticVideos} writes: {@code <class>/<class>_gNN_cNN.avi} with
 * {@code classInd.txt}, {@code trainlist01.txt} and {@code testlist01.txt} in the root (UCF101 list
 * format, one split).
 */
public final class SyntheticDataset extends ListedDataset {
  private final Path root;

  /**
   * Reads the data set under {@code root}.
   *
   * @throws IOException a one-line message naming the missing folder or list, or the bad list line
   */
  public SyntheticDataset(Path root) throws IOException {
    this.root = Layouts.requireDir(root, "synthetic data set");
    List<String> labels = List.copyOf(Layouts.classIndex(root.resolve("classInd.txt")));
    List<VideoClip> all = new ArrayList<>();
    Layouts.splitList(root.resolve("trainlist01.txt"), root, labels, "train", all);
    Layouts.splitList(root.resolve("testlist01.txt"), root, labels, "test", all);
    listed(labels, all);
  }

  /** The data set's folder. */
  public Path root() {
    return root;
  }
}
