package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** The plumbing run's inputs, without running the bench (that takes minutes). */
class PipelineBenchCommandTest {
  @Test
  void plumbingCamerasSpreadEvenlyOverPartitionsAndSubtasks() {
    String[] ids = PipelineBenchCommand.balancedCameraIds(16, 4, 2);
    assertThat(ids).hasSize(16).doesNotHaveDuplicates();
    assertThat(PipelineBenchCommand.balancedCameraIds(16, 4, 2)).containsExactly(ids);
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
    ModelManifest m = ModelArtifacts.fromBytes(PipelineBenchCommand.plumbingModel(), "plumbing").manifest();
    assertThat(m.backbone().id()).isEqualTo(PipelineBenchCommand.PLUMBING_BACKBONE);
    assertThat(m.backbone().dimension()).isEqualTo(51);
    assertThat(m.keptInputs()).hasSize(27).doesNotHaveDuplicates();
    assertThat(Arrays.stream(m.keptInputs()).max().getAsInt()).isLessThan(51);
    assertThat(m.hiddenSize()).isEqualTo(22);
    assertThat(m.clipLength()).isEqualTo(32);
  }
}
