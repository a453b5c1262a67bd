package io.vibstream.connectors.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.model.pose.PoseJoints;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SurveillanceMotionTest {
  private static final long DATA_SEED = 5;

  private static SurveillanceMotion.Clip clip(String label, boolean test, long seed, EstimatorNoise noise) {
    return SurveillanceMotion.clip(label, test, 32, 10, 10, seed, DATA_SEED, noise);
  }

  @Test
  void labelsAreTheActionsInOrderThenIdle() {
    assertThat(SurveillanceMotion.labels()).hasSize(Action.values().length + 1).startsWith("walk", "run")
        .endsWith("jumping_jack", SurveillanceMotion.IDLE);
    for (Action a : Action.values()) {
      assertThat(SurveillanceMotion.labels().get(a.ordinal())).isEqualTo(a.label());
    }
  }

  @Test
  void sameSeedSameClipAndFeaturesOfTheLiveWidth() {
    float[][] a = clip("wave", false, 42, EstimatorNoise.DEFAULT).features();
    float[][] b = clip("wave", false, 42, EstimatorNoise.DEFAULT).features();
    float[][] c = clip("wave", false, 43, EstimatorNoise.DEFAULT).features();
    assertThat(a).hasNumberOfRows(32);
    assertThat(a[0]).hasSize(PersonFeatures.DIMENSION);
    assertThat(Arrays.deepEquals(a, b)).isTrue();
    assertThat(Arrays.deepEquals(a, c)).isFalse();
    // A track's first frame has zero motion, as live.
    assertThat(a[0][3 * PoseJoints.COUNT]).isZero();
    assertThat(a[0][3 * PoseJoints.COUNT + 1]).isZero();
  }

  @Test
  void splitsUseDisjointElevationsHeadingsAndActors() {
    for (int i = 0; i < 200; i++) {
      boolean test = i % 2 == 0;
      SurveillanceMotion.View v = clip("clap", test, 1000 + i, EstimatorNoise.DEFAULT).view();
      double e = v.elevationDeg();
      double h = ((v.headingDeg() % 360) + 360) % 360;
      boolean testElevation = e >= 15 && e < 20 || e >= 30 && e < 35;
      double d = ((h - 45) % 90 + 90) % 90;
      double fromDiagonal = Math.min(d, 90 - d);
      boolean diagonal = fromDiagonal < 10;
      assertThat(testElevation).as("elevation %s in split test=%s", e, test).isEqualTo(test);
      assertThat(diagonal).as("heading %s in split test=%s", h, test).isEqualTo(test);
      assertThat(e).isBetween(5.0, 45.0);
    }
  }

  @Test
  void personsAreSurveillanceSizedAndInTheFrame() {
    for (int i = 0; i < 60; i++) {
      String label = SurveillanceMotion.labels().get(i % 13);
      SurveillanceMotion.Clip c = clip(label, i % 3 == 0, 77 + i, EstimatorNoise.DEFAULT);
      assertThat(c.view().personPx()).as(label).isBetween(0.6 * SurveillanceMotion.MIN_PERSON_PX,
          SurveillanceMotion.MAX_PERSON_PX);
      for (PersonPose p : c.poses()) {
        assertThat(p.box().x()).isGreaterThanOrEqualTo(0);
        assertThat(p.box().x() + p.box().width()).isLessThanOrEqualTo(SurveillanceMotion.FRAME_WIDTH);
        // personPx is the height at the track's center: walkers toward the camera grow, raised
        // arms and jumps reach above the standing height, margins add up to 20%.
        assertThat(p.box().height()).isBetween(8f, (float) (3 * c.view().personPx()));
      }
    }
  }

  @Test
  void pelvisAndNeckAreTheMidpointsOfHipsAndShouldersAsInTheLiveMapping() {
    for (PersonPose p : clip("walk", false, 7, EstimatorNoise.DEFAULT).poses()) {
      float[] x = p.x();
      float[] y = p.y();
      float[] v = p.visibility();
      assertThat(x[PoseJoints.PELVIS]).isCloseTo((x[PoseJoints.L_HIP] + x[PoseJoints.R_HIP]) / 2, within(1e-3f));
      assertThat(y[PoseJoints.NECK]).isCloseTo((y[PoseJoints.L_SHOULDER] + y[PoseJoints.R_SHOULDER]) / 2,
          within(1e-3f));
      assertThat(v[PoseJoints.NECK]).isEqualTo(Math.min(v[PoseJoints.L_SHOULDER], v[PoseJoints.R_SHOULDER]));
    }
  }

  @Test
  void standingWithoutNoiseHasTheRealEstimatorsProportions() {
    // BlazePose on real walkers, shoulder-to-hip units from the hips: knees about 0.7, ankles about 1.35
    // (straight legs reach a little further; the renderer's own joints give longer legs).
    int checked = 0;
    for (long seed = 0; seed < 400 && checked < 5; seed++) {
      SurveillanceMotion.Clip c = clip("idle", false, seed, EstimatorNoise.NONE);
      if (!c.view().variant().equals("stand")) {
        continue;
      }
      float[] f = c.features()[0];
      assertThat(f[2 * PoseJoints.L_KNEE + 1]).as("knee").isBetween(0.55f, 0.85f);
      assertThat(f[2 * PoseJoints.L_ANKLE + 1]).as("ankle").isBetween(1.2f, 1.65f);
      assertThat(f[2 * PoseJoints.HEAD + 1]).as("head").isBetween(-1.5f, -1.15f);
      checked++;
    }
    assertThat(checked).isEqualTo(5);
  }

  @Test
  void withoutNoiseLeftIsOnTheImageRightOfAPersonFacingTheCamera() {
    int checked = 0;
    for (long seed = 0; seed < 400 && checked < 5; seed++) {
      SurveillanceMotion.Clip c = clip("idle", false, seed, EstimatorNoise.NONE);
      double h = c.view().headingDeg();
      if (!c.view().variant().equals("stand") || Math.abs(h) > 20) {
        continue;
      }
      PersonPose p = c.poses().get(0);
      assertThat(p.x()[PoseJoints.L_SHOULDER]).isGreaterThan(p.x()[PoseJoints.R_SHOULDER]);
      assertThat(p.x()[PoseJoints.L_HIP]).isGreaterThan(p.x()[PoseJoints.R_HIP]);
      // Standing: head above neck above pelvis above ankles (y down).
      assertThat(p.y()[PoseJoints.HEAD]).isLessThan(p.y()[PoseJoints.NECK]);
      assertThat(p.y()[PoseJoints.NECK]).isLessThan(p.y()[PoseJoints.PELVIS]);
      assertThat(p.y()[PoseJoints.PELVIS]).isLessThan(p.y()[PoseJoints.L_ANKLE]);
      for (float v : p.visibility()) {
        assertThat(v).isEqualTo(1f);
      }
      checked++;
    }
    assertThat(checked).isEqualTo(5);
  }

  @Test
  void walkersMoveIdlePeopleDoNot() {
    double walk = 0;
    double idle = 0;
    for (int i = 0; i < 20; i++) {
      walk += meanSpeed(clip("walk", false, 300 + i, EstimatorNoise.NONE).features());
      idle += meanSpeed(clip("idle", false, 300 + i, EstimatorNoise.NONE).features());
    }
    assertThat(walk / 20).isGreaterThan(0.2);
    assertThat(idle / 20).isLessThan(0.05);
  }

  @Test
  void theEstimatorShortensAWalkersLegSwingButNotTheWalk() {
    // NONE, but the legs' swing reported at a share drawn from [0, 1] per clip.
    EstimatorNoise shortLegs = new EstimatorNoise(0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 60, 110, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
        0);
    double fullSpread = 0;
    double shortSpread = 0;
    for (int i = 0; i < 10; i++) {
      float[][] full = clip("walk", false, 700 + i, EstimatorNoise.NONE).features();
      float[][] reported = clip("walk", false, 700 + i, shortLegs).features();
      for (int t = 0; t < full.length; t++) {
        fullSpread += Math.abs(full[t][2 * PoseJoints.L_ANKLE] - full[t][2 * PoseJoints.R_ANKLE]);
        shortSpread += Math.abs(reported[t][2 * PoseJoints.L_ANKLE] - reported[t][2 * PoseJoints.R_ANKLE]);
        // The same walk: the box and its motion are the true figure's.
        assertThat(reported[t][3 * PoseJoints.COUNT]).isEqualTo(full[t][3 * PoseJoints.COUNT]);
        assertThat(reported[t][2 * PoseJoints.HEAD]).isEqualTo(full[t][2 * PoseJoints.HEAD], within(5e-3f));
      }
    }
    assertThat(shortSpread).isLessThan(0.9 * fullSpread);
    // Idle people's legs are reported as they are.
    assertThat(clip("idle", false, 7, shortLegs).features()).isDeepEqualTo(clip("idle", false, 7, EstimatorNoise.NONE)
        .features());
  }

  @Test
  void motionIsTheTrackersFilteredVelocitySmootherThanTwoBoxes() {
    double filtered = 0;
    double twoBoxes = 0;
    int n = 0;
    for (int i = 0; i < 20; i++) {
      SurveillanceMotion.Clip clip = clip("walk", false, 500 + i, EstimatorNoise.DEFAULT);
      float[][] f = clip.features();
      List<PersonPose> poses = clip.poses();
      double dt = 1 / clip.view().fps();
      for (int t = 10; t < f.length; t++) {
        PersonBox box = poses.get(t).box();
        PersonBox before = poses.get(t - 1).box();
        PersonBox beforeThat = poses.get(t - 2).box();
        double raw = (box.centerX() - before.centerX()) / (box.height() * dt);
        double rawBefore = (before.centerX() - beforeThat.centerX()) / (before.height() * dt);
        filtered += Math.pow(f[t][3 * PoseJoints.COUNT] - f[t - 1][3 * PoseJoints.COUNT], 2);
        twoBoxes += Math.pow(raw - rawBefore, 2);
        n++;
      }
    }
    // Frame-to-frame change of the motion feature: the filter removes most of the box jitter.
    assertThat(Math.sqrt(filtered / n)).isLessThan(0.3 * Math.sqrt(twoBoxes / n));
  }

  @Test
  void noiseLowersSomeVisibilitiesAndJittersJoints() {
    SurveillanceMotion.Clip clean = clip("punch", false, 9, EstimatorNoise.NONE);
    SurveillanceMotion.Clip noisy = clip("punch", false, 9, EstimatorNoise.DEFAULT);
    int low = 0;
    for (PersonPose p : noisy.poses()) {
      for (float v : p.visibility()) {
        low += v < PersonFeatures.VISIBLE ? 1 : 0;
      }
    }
    assertThat(low).isPositive();
    assertThat(Arrays.deepEquals(clean.features(), noisy.features())).isFalse();
  }

  @Test
  void rejectsUnknownLabelsAndBadTiming() {
    assertThatThrownBy(() -> clip("dance", false, 1, EstimatorNoise.DEFAULT))
        .hasMessageContaining("unknown label 'dance'");
    assertThatThrownBy(() -> SurveillanceMotion.clip("walk", false, 1, 10, 10, 1, 1, EstimatorNoise.DEFAULT))
        .hasMessageContaining("frames must be >= 2");
    assertThatThrownBy(() -> SurveillanceMotion.clip("walk", false, 32, 12, 8, 1, 1, EstimatorNoise.DEFAULT))
        .hasMessageContaining("fps");
  }

  private static double meanSpeed(float[][] features) {
    double sum = 0;
    for (float[] f : features) {
      sum += Math.hypot(f[3 * PoseJoints.COUNT], f[3 * PoseJoints.COUNT + 1]);
    }
    return sum / features.length;
  }
}
