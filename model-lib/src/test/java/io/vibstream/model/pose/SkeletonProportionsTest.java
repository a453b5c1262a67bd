package io.vibstream.model.pose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SkeletonProportionsTest {
  private static float[] skeleton(float kneeY, float kneeVisibility) {
    float[] f = new float[PersonFeatures.DIMENSION];
    for (int j = 0; j < PoseJoints.COUNT; j++) {
      f[2 * PoseJoints.COUNT + j] = 1f;
    }
    f[2 * PoseJoints.L_KNEE] = -0.2f;
    f[2 * PoseJoints.L_KNEE + 1] = kneeY;
    f[2 * PoseJoints.COUNT + PoseJoints.L_KNEE] = kneeVisibility;
    return f;
  }

  @Test
  void mediansOverVisibleFramesOnly() {
    SkeletonProportions p = new SkeletonProportions();
    for (float y : new float[] {0.6f, 0.7f, 0.8f}) {
      p.add(skeleton(y, 0.9f));
    }
    p.add(skeleton(5f, 0.1f)); // hidden: its guessed position does not count
    for (int i = 0; i < 100; i++) {
      p.add(skeleton(0.75f, 0.9f)); // grows past the initial capacity
    }
    assertThat(p.frames()).isEqualTo(104);
    assertThat(p.medianY(PoseJoints.L_KNEE)).isCloseTo(0.75, within(1e-6));
    assertThat(p.medianAbsX(PoseJoints.L_KNEE)).isCloseTo(0.2, within(1e-6));
    assertThat(p.visibleShare(PoseJoints.L_KNEE)).isCloseTo(103 / 104.0, within(1e-9));
    assertThat(p.medianY(PoseJoints.PELVIS)).isZero();
  }

  @Test
  void nothingAddedIsNaNAndWrongWidthIsRefused() {
    SkeletonProportions p = new SkeletonProportions();
    assertThat(p.medianY(PoseJoints.HEAD)).isNaN();
    assertThat(p.visibleShare(PoseJoints.HEAD)).isNaN();
    assertThatThrownBy(() -> p.add(new float[3])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("53");
  }
}
