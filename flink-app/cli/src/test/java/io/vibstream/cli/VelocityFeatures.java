package io.vibstream.cli;

import io.vibstream.model.data.FeatureSequences;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Writes a feature data set ({@code features:DIR}) whose class is only in the velocity: every
 * feature starts at a random offset in [-4, 4] and drifts by a class-specific velocity (feature 0
 * still, rising or falling by 0.25 per frame, feature 1 the opposite at half the speed), plus a
 * little noise. The position in any one frame says nothing about the class.
 */
final class VelocityFeatures {
  static final String BACKBONE = "velocity-test";
  static final int DIMENSION = 6;
  static final int FRAMES = 12;
  static final List<String> LABELS = List.of("still", "rise", "fall");

  private VelocityFeatures() {}

  static Path write(Path dir, int trainPerClass, int testPerClass, long seed) throws IOException {
    Random random = new Random(seed);
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(dir, BACKBONE, DIMENSION, LABELS)) {
      for (String split : List.of(FeatureSequences.TRAIN, FeatureSequences.TEST)) {
        int perClass = split.equals(FeatureSequences.TRAIN) ? trainPerClass : testPerClass;
        for (int n = 0; n < perClass * LABELS.size(); n++) {
          int label = n % LABELS.size();
          writer.add(clip(label, random), LABELS.get(label), split, null);
        }
      }
    }
    return dir;
  }

  private static float[][] clip(int label, Random random) {
    float velocity = label == 0 ? 0 : label == 1 ? 0.25f : -0.25f;
    float[] offset = new float[DIMENSION];
    for (int j = 0; j < DIMENSION; j++) {
      offset[j] = 8 * random.nextFloat() - 4;
    }
    float[][] frames = new float[FRAMES][DIMENSION];
    for (int t = 0; t < FRAMES; t++) {
      for (int j = 0; j < DIMENSION; j++) {
        float drift = j == 0 ? velocity * t : j == 1 ? -0.5f * velocity * t : 0;
        frames[t][j] = offset[j] + drift + (float) (0.03 * random.nextGaussian());
      }
    }
    return frames;
  }
}
