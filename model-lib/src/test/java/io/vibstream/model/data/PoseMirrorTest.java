package io.vibstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PoseMirrorTest {
  // One example, 2 steps, 2 joints: x0, y0, x1, y1, c0, c1 per step.
  private final SequenceDataset pose = new SequenceDataset(
      new float[] {0.1f, 0.2f, 0.7f, 0.4f, 0.9f, 0.5f, /* */ 0.25f, 0.3f, 0.5f, 0.6f, 0.8f, 0.3f},
      new int[] {1}, 2, 6, List.of("a", "b"));

  @Test
  void sameKeepsEveryJointAndFlipsX() {
    SequenceDataset out = PoseMirror.parse("same", 2).withMirrorImages(pose);
    assertThat(out.size()).isEqualTo(2);
    assertThat(out.sequence(0)).isDeepEqualTo(pose.sequence(0));
    assertThat(out.sequence(1)).isDeepEqualTo(new float[][] {{0.9f, 0.2f, 0.3f, 0.4f, 0.9f, 0.5f},
        {0.75f, 0.3f, 0.5f, 0.6f, 0.8f, 0.3f}});
    assertThat(out.label(1)).isEqualTo(1);
  }

  @Test
  void aPermutationSwapsJointsWithTheirConfidences() {
    SequenceDataset out = PoseMirror.parse("1,0", 2).withMirrorImages(pose);
    assertThat(out.sequence(1)[0]).containsExactly(0.3f, 0.4f, 0.9f, 0.2f, 0.5f, 0.9f);
  }

  @Test
  void onlyTheTrainingSideIsMirrored() {
    DataSplit split = PoseMirror.parse("same", 2).withMirrorImages(new DataSplit(pose, pose, "pose", "features:/x"));
    assertThat(split.train().size()).isEqualTo(2);
    assertThat(split.test().size()).isEqualTo(1);
    assertThat(split.description()).isEqualTo("features:/x (training clips and their mirror images)");
  }

  @Test
  void rejectsWhatIsNotAPermutationOfTheJointsOrNotPoseData() {
    assertThatThrownBy(() -> PoseMirror.parse("0", 2)).hasMessageContaining("has 1 entries, the pose has 2 joints");
    assertThatThrownBy(() -> PoseMirror.parse("1,1", 2)).hasMessageContaining("names joint 1 twice");
    assertThatThrownBy(() -> PoseMirror.parse("0,2", 2)).hasMessageContaining("outside [0, 2)");
    assertThatThrownBy(() -> PoseMirror.parse("0,x", 2)).hasMessageContaining("'x' is not a joint index");
    assertThatThrownBy(() -> PoseMirror.parse("same", 3).withMirrorImages(pose))
        .hasMessageContaining("pose features of 3 joints have 9 values");
  }
}
