package io.vibstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DataSplitTest {
  private static SequenceDataset data(float first, int label, int features, List<String> classes) {
    float[] x = new float[2 * features];
    x[0] = first;
    return new SequenceDataset(x, new int[] {label}, 2, features, classes);
  }

  @Test
  void extraTrainingClipsFollowTheTrainingSideAndLeaveTheTestSide() {
    List<String> classes = List.of("a", "b");
    DataSplit a = new DataSplit(data(1, 0, 3, classes), data(2, 1, 3, classes), "pose", "features:/a");
    DataSplit b = new DataSplit(data(3, 1, 3, classes), data(4, 0, 3, classes), "pose", "features:/b");
    DataSplit joined = a.withTrainingOf(b);
    assertThat(joined.train().size()).isEqualTo(2);
    assertThat(joined.train().sequence(0)[0][0]).isEqualTo(1);
    assertThat(joined.train().sequence(1)[0][0]).isEqualTo(3);
    assertThat(joined.train().label(1)).isEqualTo(1);
    assertThat(joined.test().size()).isEqualTo(1);
    assertThat(joined.test().sequence(0)[0][0]).isEqualTo(2);
    assertThat(joined.description()).isEqualTo("features:/a + the training clips of features:/b");
  }

  @Test
  void refusesClipsOfAnotherBackboneShapeOrClasses() {
    List<String> classes = List.of("a", "b");
    DataSplit a = new DataSplit(data(1, 0, 3, classes), data(2, 1, 3, classes), "pose", "a");
    assertThatThrownBy(() -> a.withTrainingOf(new DataSplit(data(1, 0, 3, classes), data(2, 1, 3, classes), "rgb", "c")))
        .hasMessage("cannot train on features of rgb with features of pose");
    assertThatThrownBy(() -> a.withTrainingOf(new DataSplit(data(1, 0, 4, classes), data(2, 1, 4, classes), "pose", "c")))
        .hasMessageContaining("sequences of 2 x 4");
    List<String> other = List.of("a", "c");
    assertThatThrownBy(() -> a.withTrainingOf(new DataSplit(data(1, 0, 3, other), data(2, 1, 3, other), "pose", "c")))
        .hasMessageContaining("[a, c]");
  }
}
