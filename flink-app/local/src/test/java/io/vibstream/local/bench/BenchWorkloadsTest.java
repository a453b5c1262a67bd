package io.vibstream.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** The pipeline bench's inputs, without running the bench (that takes minutes). */
class BenchWorkloadsTest {
  @Test
  void plumbingCamerasSpreadEvenlyOverPartitionsAndSubtasks() {
    String[] ids = BalancedCameras.ids(16, 4, 2);
    assertThat(ids).hasSize(16).doesNotHaveDuplicates();
    assertThat(BalancedCameras.ids(16, 4, 2)).containsExactly(ids);
    Map<Integer, Integer> partitions = new HashMap<>();
    Map<Integer, Integer> subtasks = new HashMap<>();
    int maxParallelism = KeyGroupRangeAssignment.computeDefaultMaxParallelism(2);
    for (String id : ids) {
      partitions.merge(Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 4, 1, Integer::sum);
      subtasks.merge(KeyGroupRangeAssignment.assignKeyToParallelOperator(id, maxParallelism, 2), 1, Integer::sum);
    }
    assertThat(partitions).containsOnlyKeys(0, 1, 2, 3).allSatisfy((p, n) -> assertThat(n).isEqualTo(4));
    assertThat(subtasks).containsOnlyKeys(0, 1).allSatisfy((t, n) -> assertThat(n).isEqualTo(8));
  }

  @Test
  void thePlumbingModelIsShapedLikeACompressedOneForTheCamerasBackbone() {
    ModelManifest m = ModelArtifacts.fromBytes(OnCameraFeatures.model(), "plumbing").manifest();
    assertThat(m.backbone().id()).isEqualTo(OnCameraFeatures.BACKBONE);
    assertThat(m.backbone().dimension()).isEqualTo(51);
    assertThat(m.keptInputs()).hasSize(27).doesNotHaveDuplicates();
    assertThat(Arrays.stream(m.keptInputs()).max().getAsInt()).isLessThan(51);
    assertThat(m.hiddenSize()).isEqualTo(22);
    assertThat(m.clipLength()).isEqualTo(32);
  }

  @Test
  void theLatencyRunsCamerasReplayTheirRenderedFramesInALoopAtTheirRate() throws Exception {
    List<VideoFrame> rendered = List.of(frame("walk"), frame("wave"), frame("clap"));
    try (ReplaySource replay = new ReplaySource(rendered, 1000)) {
      List<String> truths = new ArrayList<>();
      List<Long> micros = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        VideoFrame f = replay.next();
        truths.add(f.groundTruth());
        micros.add(f.timestampMicros());
      }
      assertThat(truths).containsExactly("walk", "wave", "clap", "walk", "wave", "clap", "walk");
      assertThat(micros).containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 5000L, 6000L);
      assertThat(replay.frameRate()).isEqualTo(1000);
    }
  }

  private static VideoFrame frame(String truth) {
    return new VideoFrame(new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR), 0, truth);
  }
}
