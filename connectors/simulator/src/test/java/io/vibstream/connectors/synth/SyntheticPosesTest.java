package io.vibstream.connectors.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.connectors.video.VideoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticPosesTest {
  @TempDir
  Path tmp;

  @Test
  void roundTripsThroughTheFileNextToTheClip() throws IOException {
    float[][] xy = new float[3][2 * SyntheticPoses.JOINTS];
    boolean[][] vis = new boolean[3][SyntheticPoses.JOINTS];
    for (int f = 0; f < 3; f++) {
      for (int i = 0; i < xy[f].length; i++) {
        xy[f][i] = f * 0.1f + i * 0.01f;
      }
      vis[f][f] = true;
    }
    SyntheticPoses poses = new SyntheticPoses(112, 96, xy, vis);
    Path clip = tmp.resolve("walk_g01_c01.avi");
    assertThat(SyntheticPoses.read(clip)).isNull();
    assertThat(SyntheticPoses.keypoints(clip)).isNull();
    poses.write(clip);
    assertThat(tmp.resolve("walk_g01_c01.pose")).isRegularFile();
    SyntheticPoses back = SyntheticPoses.read(clip);
    assertThat(back).isEqualTo(poses);
    assertThat(back.width()).isEqualTo(112);
    assertThat(back.height()).isEqualTo(96);
    assertThat(back.visible()[2][2]).isTrue();
    assertThat(back.visible()[2][1]).isFalse();
    assertThat(SyntheticPoses.keypoints(clip)).isDeepEqualTo(xy);
    assertThat(poses.toBytes()).hasSize(24 + 9 * 3 * SyntheticPoses.JOINTS);

    byte[] bytes = poses.toBytes();
    Files.write(SyntheticPoses.fileOf(clip), Arrays.copyOf(bytes, bytes.length - 1));
    assertThatThrownBy(() -> SyntheticPoses.read(clip)).isInstanceOf(IOException.class)
        .hasMessageContaining("walk_g01_c01.pose: invalid pose file");
  }

  @Test
  void flipPermutationsAreInvolutions() {
    for (int[] perm : new int[][] {SyntheticPoses.FLIP_SWAP_SIDES, SyntheticPoses.FLIP_IDENTITY}) {
      assertThat(perm).hasSize(SyntheticPoses.JOINTS);
      for (int i = 0; i < perm.length; i++) {
        assertThat(perm[perm[i]]).isEqualTo(i);
      }
    }
    int left = SyntheticPoses.JOINT_NAMES.indexOf("l_hand");
    assertThat(SyntheticPoses.JOINT_NAMES.get(SyntheticPoses.FLIP_SWAP_SIDES[left])).isEqualTo("r_hand");
    assertThat(Skeleton.KEYPOINTS).isEqualTo(SyntheticPoses.JOINTS);
  }

  @Test
  void theDataSetStoresDeterministicPosesAlignedWithTheDecodedFrames() throws IOException {
    SyntheticVideos.write(tmp.resolve("a"), 2, 1, 7, 64, 48, 6, 25);
    SyntheticVideos.write(tmp.resolve("b"), 2, 1, 7, 64, 48, 6, 25);
    Path clip = tmp.resolve("a/run/run_g01_c01.avi");
    SyntheticPoses poses = SyntheticPoses.read(clip);
    assertThat(poses).isNotNull().isEqualTo(SyntheticPoses.read(tmp.resolve("b/run/run_g01_c01.avi")));
    assertThat(poses.frames()).isEqualTo(6).isEqualTo(VideoFiles.readFrames(clip, 64, 48, 100).size());
    assertThat(poses).isEqualTo(SyntheticVideos.renderWithPoses(Action.RUN, 1, 1, 7, 64, 48, 6, 25).poses());
    int head = SyntheticPoses.JOINT_NAMES.indexOf("head");
    int pelvis = SyntheticPoses.JOINT_NAMES.indexOf("pelvis");
    int toe = SyntheticPoses.JOINT_NAMES.indexOf("l_toe");
    for (float[] f : poses.xy()) {
      // Upright runner: head above the pelvis above the feet, all near the picture.
      assertThat(f[2 * head + 1]).isLessThan(f[2 * pelvis + 1]);
      assertThat(f[2 * pelvis + 1]).isLessThan(f[2 * toe + 1]);
      for (float v : f) {
        assertThat(v).isBetween(-0.2f, 1.2f);
      }
    }
  }
}
