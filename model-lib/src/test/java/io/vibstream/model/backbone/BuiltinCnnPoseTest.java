package io.vibstream.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vibstream.model.backbone.BuiltinCnnTrainer.LabeledFrames;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BuiltinCnnPoseTest {
  @Test
  void cropShiftsAndScalesKeypoints() {
    float[] xy = {0.5f, 0.25f, 0f, 1f};
    float[] t = BuiltinCnnTrainer.transformKeypoints(xy, 80, 70, 4, 10, false, null);
    assertThat(t[0]).isCloseTo((0.5f * 80 - 4) / 70, within(1e-6f));
    assertThat(t[1]).isCloseTo((0.25f * 80 - 10) / 70, within(1e-6f));
    assertThat(t[2]).isCloseTo(-4 / 70f, within(1e-6f));
    assertThat(t[3]).isCloseTo((80 - 10) / 70f, within(1e-6f));
    assertThat(BuiltinCnnTrainer.transformKeypoints(xy, 64, 64, 0, 0, false, null)).containsExactly(xy);
  }

  @Test
  void flipMirrorsXAndPermutesJoints() {
    float[] xy = {0.2f, 0.3f, 0.7f, 0.8f, 0.5f, 0.1f};
    float[] same = BuiltinCnnTrainer.transformKeypoints(xy, 64, 64, 0, 0, true, null);
    assertThat(same).containsExactly(new float[] {0.8f, 0.3f, 0.3f, 0.8f, 0.5f, 0.1f}, within(1e-6f));
    // Joints 0 and 1 are a left/right pair: after the flip the left one is where the right one was mirrored.
    float[] swapped = BuiltinCnnTrainer.transformKeypoints(xy, 64, 64, 0, 0, true, new int[] {1, 0, 2});
    assertThat(swapped).containsExactly(new float[] {0.3f, 0.8f, 0.8f, 0.3f, 0.5f, 0.1f}, within(1e-6f));
  }

  @Test
  void softArgmaxGivesTheExpectedPositionAndThePeak() {
    try (var manager = ai.djl.ndarray.NDManager.newBaseManager(TorchScriptExtractor.ENGINE)) {
      float[] heat = new float[2 * 4 * 4];
      heat[1 * 4 + 2] = 50; // joint 0: a sharp peak at row 1, col 2
      java.util.Arrays.fill(heat, 16, 32, 0); // joint 1: flat
      float[] out = SoftArgmax.apply(manager.create(heat, new ai.djl.ndarray.types.Shape(1, 2, 4, 4)))
          .toFloatArray();
      assertThat(out).hasSize(6);
      assertThat(out[0]).isCloseTo(2.5f / 4, within(1e-4f));
      assertThat(out[1]).isCloseTo(1.5f / 4, within(1e-4f));
      assertThat(out[2]).isCloseTo(0.5f, within(1e-5f));
      assertThat(out[3]).isCloseTo(0.5f, within(1e-5f));
      assertThat(out[4]).isCloseTo(1f, within(1e-4f));
      assertThat(out[5]).isCloseTo(1 / 16f, within(1e-5f));
    }
  }

  @Test
  void heatmapTargetsAreGaussiansAroundTheJointsSummingToOne() {
    // joint 0 at the center of cell (row 1, col 2) of a 4x4 map; joint 1 far outside the frame
    float[] kp = {2.5f / 4, 1.5f / 4, 3f, -2f};
    float[] t = BuiltinCnnTrainer.gaussians(kp, 1, 2, 4, 4);
    float sum = 0;
    int best = 0;
    for (int i = 0; i < 16; i++) {
      sum += t[i];
      best = t[i] > t[best] ? i : best;
    }
    assertThat(sum).isCloseTo(1f, within(1e-5f));
    assertThat(best).isEqualTo(1 * 4 + 2);
    assertThat(t[1 * 4 + 1]).isCloseTo(t[1 * 4 + 3], within(1e-6f)).isLessThan(t[best]);
    for (int i = 16; i < 32; i++) {
      assertThat(t[i]).isZero();
    }
  }

  @Test
  void keypointTransformFollowsThePixels() {
    int p = 20;
    int s = 16;
    Preprocessing prep = Preprocessing.rgb(s, s, new float[] {0, 0, 0}, new float[] {1, 1, 1});
    for (boolean flip : new boolean[] {false, true}) {
      for (int[] at : new int[][] {{5, 7}, {12, 3}, {19, 19}}) {
        byte[] src = new byte[3 * p * p];
        for (int c = 0; c < 3; c++) {
          src[c * p * p + at[1] * p + at[0]] = (byte) 255;
        }
        float[] dst = new float[3 * s * s];
        int ox = 3;
        int oy = 2;
        BuiltinCnnTrainer.fill(src, p, s, prep, ox, oy, flip, 1f, dst, 0);
        float[] kp = BuiltinCnnTrainer.transformKeypoints(new float[] {(at[0] + 0.5f) / p, (at[1] + 0.5f) / p},
            p, s, ox, oy, flip, null);
        int col = (int) Math.floor(kp[0] * s);
        int row = (int) Math.floor(kp[1] * s);
        if (col >= 0 && col < s && row >= 0 && row < s) {
          assertThat(dst[row * s + col]).as("bright pixel at %s flip %s", List.of(col, row), flip).isGreaterThan(0.9f);
        } else {
          for (float v : dst) {
            assertThat(v).isLessThan(0.1f);
          }
        }
      }
    }
  }

  @Test
  void rejectsMismatchedKeypoints() {
    List<BufferedImage> frames = List.of(new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR));
    assertThatThrownBy(() -> new LabeledFrames(frames, new int[] {0}, new float[][] {{1, 2, 3}}, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LabeledFrames(frames, new int[] {0}, new float[][] {{1, 2}}, new int[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LabeledFrames(frames, new int[] {0}, new float[][] {{1, 2}, {3, 4}}, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keypointLossDecreasesAndTheFeaturesEndWithTheKeypoints() {
    LabeledFrames train = dots(192, 1);
    LabeledFrames validation = dots(48, 2);
    List<Double> mse = new ArrayList<>();
    List<Double> error = new ArrayList<>();
    BuiltinCnnArtifact artifact = BuiltinCnnTrainer.train(train, validation, List.of("a", "b"),
        BuiltinCnnTrainer.Settings.defaults().withSize(32).withChannels(8, 16, 16).withEpochs(6).withBatchSize(16),
        new BuiltinCnnTrainer.Listener() {
          @Override
          public void onStep(BuiltinCnnTrainer.Step step) {
            assertThat(step.keypointMse()).isFinite();
          }

          @Override
          public void onKeypoints(int epoch, int epochs, double trainMse, double validationError) {
            mse.add(trainMse);
            error.add(validationError);
          }
        });
    assertThat(mse).hasSize(6);
    assertThat(mse.get(5)).isLessThan(mse.get(0) * 0.5);
    assertThat(error.get(5)).isLessThan(error.get(0));
    assertThat(artifact.metrics().get("validation_keypoint_error")).isEqualTo(error.get(5));
    assertThat(artifact.metrics()).containsEntry("keypoint_joints", 2.0).containsKey("train_keypoint_mse");
    BuiltinCnnArtifact back = BuiltinCnnArtifact.fromBytes(artifact.toBytes(), "mem");
    assertThat(back.weights().keySet()).isEqualTo(artifact.weights().keySet());
    try (var manager = ai.djl.ndarray.NDManager.newBaseManager(TorchScriptExtractor.ENGINE)) {
      assertThat(back.buildNetwork(manager)).isNotNull();
    }
    assertThat(back.keypointJoints()).isEqualTo(2);
    assertThat(back.dimension()).isEqualTo(6);
    try (FeatureExtractor extractor = BuiltinExtractor.of(back)) {
      assertThat(extractor.dimension()).isEqualTo(6);
      float[][] features = extractor.extract(validation.frames());
      assertThat(features).hasDimensions(validation.size(), 6);
      // The first 4 features are the two joints' positions, the last 2 their confidences.
      double err = 0;
      for (int n = 0; n < validation.size(); n++) {
        float[] guess = Arrays.copyOfRange(features[n], 0, 4);
        assertThat(features[n][4]).isBetween(0f, 1f);
        for (int j = 0; j < 4; j++) {
          err += Math.abs(guess[j] - validation.keypoints()[n][j]);
        }
      }
      assertThat(err / (4 * validation.size())).isCloseTo(
          artifact.metrics().get("validation_keypoint_error") / Math.sqrt(2), within(0.1));
    }
  }

  @Test
  void paddedShiftKeepsTheScaleAndTheKeypointsFollowThePixels() {
    int s = 16;
    int pad = 2;
    int p = s + 2 * pad;
    Preprocessing prep = Preprocessing.rgb(s, s, new float[] {0, 0, 0}, new float[] {1, 1, 1});
    for (boolean flip : new boolean[] {false, true}) {
      for (int[] at : new int[][] {{5, 7}, {12, 3}, {15, 15}, {0, 9}}) {
        BufferedImage img = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
        img.setRGB(at[0], at[1], 0xffffff);
        byte[] src = BuiltinCnnTrainer.planar(List.of(img), s, pad)[0];
        assertThat(src).hasSize(3 * p * p);
        for (int[] o : new int[][] {{0, 0}, {4, 4}, {1, 3}}) {
          float[] dst = new float[3 * s * s];
          BuiltinCnnTrainer.fill(src, p, s, prep, o[0], o[1], flip, 1f, dst, 0);
          float[] kp = BuiltinCnnTrainer.transformKeypoints(BuiltinCnnTrainer.padKeypoints(
              new float[] {(at[0] + 0.5f) / s, (at[1] + 0.5f) / s}, s, pad), p, s, o[0], o[1], flip, null);
          int col = (int) Math.floor(kp[0] * s);
          int row = (int) Math.floor(kp[1] * s);
          if (col >= 0 && col < s && row >= 0 && row < s) {
            assertThat(dst[row * s + col]).as("bright pixel at %s flip %s", List.of(col, row), flip)
                .isGreaterThan(0.9f);
          }
        }
      }
    }
    // No shift: the padded frame's center window is the frame itself.
    BufferedImage img = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
    img.setRGB(3, 4, 0x804020);
    float[] dst = new float[3 * s * s];
    BuiltinCnnTrainer.fill(BuiltinCnnTrainer.planar(List.of(img), s, pad)[0], p, s, prep, pad, pad, false, 1f, dst, 0);
    assertThat(dst[4 * s + 3]).isCloseTo(0x80 / 255f, within(1e-6f));
    assertThat(dst[s * s + 4 * s + 3]).isCloseTo(0x40 / 255f, within(1e-6f));
    assertThat(BuiltinCnnTrainer.padKeypoints(new float[] {0, 1}, s, pad)).containsExactly(
        new float[] {2f / 20, 18f / 20}, within(1e-6f));
  }

  @Test
  void appearanceChangesGrayGainOffsetAndClamps() {
    int s = 4;
    Preprocessing prep = Preprocessing.rgb(s, s, new float[] {0, 0, 0}, new float[] {1, 1, 1});
    byte[] src = new byte[3 * s * s];
    for (int i = 0; i < s * s; i++) {
      src[i] = (byte) 200;
      src[s * s + i] = (byte) 100;
      src[2 * s * s + i] = (byte) 50;
    }
    BuiltinCnnTrainer.Appearance look = new BuiltinCnnTrainer.Appearance();
    look.draw(false, new SplittableRandom(1));
    float[] plain = new float[3 * s * s];
    BuiltinCnnTrainer.fill(src, s, s, prep, 0, 0, false, look, plain, 0);
    assertThat(plain[0]).isCloseTo(200 / 255f, within(1e-6f));
    assertThat(plain[2 * s * s]).isCloseTo(50 / 255f, within(1e-6f));
    look.gray = true;
    look.gain[0] = 3;
    look.offset[2] = -1;
    float[] changed = new float[3 * s * s];
    BuiltinCnnTrainer.fill(src, s, s, prep, 0, 0, false, look, changed, 0);
    float gray = (0.299f * 200 + 0.587f * 100 + 0.114f * 50) / 255f;
    assertThat(changed[0]).isEqualTo(1f);
    assertThat(changed[s * s]).isCloseTo(gray, within(1e-5f));
    assertThat(changed[2 * s * s]).isEqualTo(0f);
    SplittableRandom rnd = new SplittableRandom(3);
    for (int k = 0; k < 50; k++) {
      look.draw(true, rnd);
      assertThat(look.noise).isBetween(0f, 0.04f);
      for (int c = 0; c < 3; c++) {
        assertThat(look.gain[c]).isBetween(0.6f, 1.5f);
        assertThat(look.offset[c]).isBetween(-0.1f, 0.1f);
      }
      BuiltinCnnTrainer.fill(src, s, s, prep, 0, 0, false, look, changed, 0);
      for (float v : changed) {
        assertThat(v).isBetween(0f, 1f);
      }
    }
  }

  /** A red dot (joint 0) and a green dot (joint 1) at random places on gray; label: red left of green. */
  private static LabeledFrames dots(int count, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int size = 37;
    List<BufferedImage> frames = new ArrayList<>();
    int[] labels = new int[count];
    float[][] kp = new float[count][4];
    for (int n = 0; n < count; n++) {
      BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = img.createGraphics();
      g.setColor(Color.GRAY);
      g.fillRect(0, 0, size, size);
      for (int j = 0; j < 2; j++) {
        int x = 4 + rnd.nextInt(size - 8);
        int y = 4 + rnd.nextInt(size - 8);
        g.setColor(j == 0 ? Color.RED : Color.GREEN);
        g.fillOval(x - 4, y - 4, 8, 8);
        kp[n][2 * j] = x / (float) size;
        kp[n][2 * j + 1] = y / (float) size;
      }
      g.dispose();
      frames.add(img);
      labels[n] = kp[n][0] < kp[n][2] ? 0 : 1;
    }
    return new LabeledFrames(frames, labels, kp, null);
  }
}
