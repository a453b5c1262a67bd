package io.vibstream.connectors.datasets;

import io.vibstream.connectors.video.VideoClip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * UCF101 with one of its three official splits: videos under {@code UCF-101/<Class>/v_<Class>_gXX_cYY.avi}
 * and the lists {@code ucfTrainTestlist/classInd.txt}, {@code trainlist0N.txt} ("Class/v_x.avi label")
 * and {@code testlist0N.txt} ("Class/v_x.avi"). The root may also be the video folder itself, with
 * the lists inside it or next to it. Labels follow classInd.txt; the group is {@code gXX}.
 */
public final class Ucf101Dataset extends ListedDataset {

  /**
   * Reads the data set under {@code root} with split {@code split} (1-3).
   *
   * @throws IOException a one-line message naming the missing folder or list, or the bad list line
   */
  public Ucf101Dataset(Path root, int split) throws IOException {
    if (split < 1 || split > 3) {
      throw new IllegalArgumentException("UCF101 split must be 1, 2 or 3, got " + split);
    }
    Layouts.requireDir(root, "UCF101");
    Path videos = firstDir(root.resolve("UCF-101"), root.resolve("UCF101"), root);
    Path lists = null;
    for (Path candidate : new Path[] {root.resolve("ucfTrainTestlist"),
        root.resolve("UCF101TrainTestSplits-RecognitionTask").resolve("ucfTrainTestlist"), root,
        root.toAbsolutePath().getParent() == null ? root : root.toAbsolutePath().getParent().resolve("ucfTrainTestlist")}) {
      if (Files.isRegularFile(candidate.resolve("classInd.txt"))) {
        lists = candidate;
        break;
      }
    }
    if (lists == null) {
      throw new NoSuchFileException(root.resolve("ucfTrainTestlist").resolve("classInd.txt").toString(), null,
          "UCF101 split lists not found (expected ucfTrainTestlist/ with classInd.txt, trainlist0N.txt, testlist0N.txt)");
    }
    List<String> labels = List.copyOf(Layouts.classIndex(lists.resolve("classInd.txt")));
    List<VideoClip> all = new ArrayList<>();
    Layouts.splitList(lists.resolve("trainlist0" + split + ".txt"), videos, labels, "train", all);
    Layouts.splitList(lists.resolve("testlist0" + split + ".txt"), videos, labels, "test", all);
    listed(labels, all);
  }

  private static Path firstDir(Path... candidates) {
    for (Path p : candidates) {
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    return candidates[candidates.length - 1];
  }
}
