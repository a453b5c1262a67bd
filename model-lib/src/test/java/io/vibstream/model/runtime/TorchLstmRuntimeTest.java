package io.vibstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.vibstream.model.lstm.CompressedLstm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs DJL offline (the build's surefire settings); on the CPU with the default CPU natives. */
class TorchLstmRuntimeTest {

  @ParameterizedTest
  @MethodSource("io.vibstream.model.runtime.VectorLstmRuntimeTest#sizes")
  void matchesScalarReference(int featureDim, int d, int h, int classes, int batch, int steps) {
    CompressedLstm model = TestModels.random(featureDim, d, h, classes, 31L * d + h);
    try (TorchLstmRuntime runtime = new TorchLstmRuntime(model)) {
      VectorLstmRuntimeTest.assertMatchesReference(
          runtime, model, TestModels.clips(batch, steps, featureDim, batch + steps));
    }
  }

  @Test
  void runsOnGpuOnlyWhenDjlSeesOne() {
    boolean gpu = Engine.getEngine("PyTorch").getGpuCount() > 0;
    try (TorchLstmRuntime runtime = new TorchLstmRuntime(TestModels.random(9, 5, 3, 4, 1))) {
      assertThat(runtime.device()).isEqualTo(gpu ? Device.gpu() : Device.cpu());
      assertThat(runtime.name()).isEqualTo("djl");
    }
  }
}
