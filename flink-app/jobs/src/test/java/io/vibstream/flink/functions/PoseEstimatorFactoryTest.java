package io.vibstream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.model.pose.BlazePoseEstimator;
import io.vibstream.model.pose.PoseEstimator;
import io.vibstream.model.pose.PoseModels;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class PoseEstimatorFactoryTest {
  @Test
  void specChoosesTheLandmarkModelAndTheStaticPassCadence() throws Exception {
    // Shipped with the job graph: the factory must survive Flink's serialization.
    PoseEstimatorFactory shipped = InstantiationUtil.clone(PoseEstimatorFactory.spec("pose:full,static=0,threads=1"));
    try (PoseEstimator e = shipped.open()) {
      BlazePoseEstimator.Settings o = ((BlazePoseEstimator) e).options();
      assertThat(o.landmark()).isEqualTo(PoseModels.Landmark.FULL);
      assertThat(o.staticEvery()).isZero();
      assertThat(o.landmarkThreads()).isEqualTo(1);
    }
    try (PoseEstimator e = PoseEstimatorFactory.spec("pose:lite").open()) {
      assertThat(((BlazePoseEstimator) e).options()).isEqualTo(BlazePoseEstimator.Settings.defaults());
    }
  }

  @Test
  void badSpecsSayWhatIsWrong() {
    assertThatThrownBy(() -> PoseEstimatorFactory.spec("pose:heavy")).hasMessageContaining("pose:lite or pose:full");
    assertThatThrownBy(() -> PoseEstimatorFactory.spec("pose:lite,static=-1"))
        .hasMessageContaining("'static=-1'").hasMessageContaining("static=N");
    assertThatThrownBy(() -> PoseEstimatorFactory.spec("pose:lite,fast")).hasMessageContaining("'fast'");
    assertThatThrownBy(() -> PoseEstimatorFactory.spec("pose:lite,threads=0")).hasMessageContaining("'threads=0'")
        .hasMessageContaining("threads=N");
  }
}
