package io.vibstream.model.pose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PersonFeaturesTest {
  private static final int VX = 3 * PoseJoints.COUNT;

  /** A person 100 px tall: pelvis at (200, 300), neck 40 px above it, every other joint 10 px right of the pelvis. */
  private static PersonPose pose(float visibility) {
    float[] x = new float[PoseJoints.COUNT];
    float[] y = new float[PoseJoints.COUNT];
    float[] v = new float[PoseJoints.COUNT];
    for (int j = 0; j < PoseJoints.COUNT; j++) {
      x[j] = 210;
      y[j] = 300;
      v[j] = visibility;
    }
    x[PoseJoints.PELVIS] = 200;
    x[PoseJoints.NECK] = 200;
    y[PoseJoints.NECK] = 260;
    v[PoseJoints.PELVIS] = 0.9f;
    return new PersonPose(new PersonBox(180, 240, 40, 100), x, y, v, 0.9f);
  }

  @Test
  void jointsAreCenteredOnThePelvisAndScaledByTheTorso() {
    float[] f = PersonFeatures.of(pose(0.8f), 0, 0);
    assertThat(f).hasSize(PersonFeatures.DIMENSION);
    assertThat(f[2 * PoseJoints.NECK + 1]).isEqualTo(-1f, within(1e-6f));
    assertThat(f[2 * PoseJoints.L_ANKLE]).isEqualTo(0.25f, within(1e-6f)); // 10 px / 40 px torso
    assertThat(f[2 * PoseJoints.COUNT + PoseJoints.L_ANKLE]).isEqualTo(0.8f);
  }

  @Test
  void hiddenJointsAreZeroButKeepTheirVisibility() {
    float[] f = PersonFeatures.of(pose(0.3f), 0, 0);
    assertThat(f[2 * PoseJoints.L_ANKLE]).isZero();
    assertThat(f[2 * PoseJoints.L_ANKLE + 1]).isZero();
    assertThat(f[2 * PoseJoints.COUNT + PoseJoints.L_ANKLE]).isEqualTo(0.3f);
  }

  @Test
  void motionIsTheVelocityInBoxHeightsPerSecondClipped() {
    float[] f = PersonFeatures.of(pose(0.8f), 50, -20);
    assertThat(f[VX]).isEqualTo(0.5f, within(1e-6f));
    assertThat(f[VX + 1]).isEqualTo(-0.2f, within(1e-6f));
    float[] fast = PersonFeatures.of(pose(0.8f), 1000, Double.NaN);
    assertThat(fast[VX]).isEqualTo(3f);
    assertThat(fast[VX + 1]).isZero();
  }
}
