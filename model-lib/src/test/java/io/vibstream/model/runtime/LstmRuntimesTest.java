package io.vibstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class LstmRuntimesTest {

  @Test
  void javaOnCpuForEverySizeAndBatch() {
    for (int batch : new int[] {1, 7, 8, 32, 256}) {
      assertThat(LstmRuntimes.prefersJava(33, 12, batch, false)).isTrue();
      assertThat(LstmRuntimes.prefersJava(266, 224, batch, false)).isTrue();
      assertThat(LstmRuntimes.prefersJava(2048, 2048, batch, false)).isTrue();
    }
  }

  @Test
  void withGpuJavaAtSmallBatches() {
    assertThat(LstmRuntimes.prefersJava(33, 12, 1, true)).isTrue();
    assertThat(LstmRuntimes.prefersJava(2048, 2048, 1, true)).isTrue();
    assertThat(LstmRuntimes.prefersJava(2048, 2048, 7, true)).isTrue();
  }

  @Test
  void withGpuJavaForSmallModelsAtAnyBatch() {
    assertThat(LstmRuntimes.prefersJava(33, 12, 32, true)).isTrue();
    assertThat(LstmRuntimes.prefersJava(96, 88, 32, true)).isTrue();
    assertThat(LstmRuntimes.prefersJava(255, 128, 32, true)).isTrue();
  }

  @Test
  void withGpuDjlForLargeBatchesOfLargeModels() {
    assertThat(LstmRuntimes.prefersJava(256, 128, 8, true)).isFalse();
    assertThat(LstmRuntimes.prefersJava(266, 224, 32, true)).isFalse();
    assertThat(LstmRuntimes.prefersJava(2048, 2048, 32, true)).isFalse();
  }

  @Test
  void forBatchPicksDjlOnlyForLargeBatchesOfLargeModelsWithGpu() {
    try (LstmRuntime small = LstmRuntimes.forBatch(TestModels.random(9, 5, 3, 4, 1), 1)) {
      assertThat(small).isInstanceOf(VectorLstmRuntime.class);
    }
    try (LstmRuntime big = LstmRuntimes.forBatch(TestModels.random(300, 260, 130, 4, 1), 32)) {
      boolean gpu = Engine.getEngine("PyTorch").getGpuCount() > 0;
      assertThat(big).isInstanceOf(gpu ? TorchLstmRuntime.class : VectorLstmRuntime.class);
    }
  }
}
