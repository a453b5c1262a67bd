package io.vibstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.schemas.LabeledClip;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValidationSplitTest {
  private static final List<LabeledClip> CLIPS = clips(List.of("rise", "fall", "swing"), 700, 11);

  @Test
  void aClipIsAlwaysOnTheSameSideWhateverItsLabel() {
    for (LabeledClip clip : CLIPS.subList(0, 50)) {
      LabeledClip copy = LabeledClip.newBuilder(clip).setFeatures(new ArrayList<>(clip.getFeatures())).build();
      LabeledClip relabeled = LabeledClip.newBuilder(clip).setLabel("other").build();
      assertThat(ValidationSplit.position(copy)).isEqualTo(ValidationSplit.position(clip));
      assertThat(ValidationSplit.position(relabeled)).isEqualTo(ValidationSplit.position(clip));
    }
  }

  @Test
  void anyChangeOfContentMovesTheClip() {
    LabeledClip clip = CLIPS.get(0);
    List<Float> features = new ArrayList<>(clip.getFeatures());
    features.set(17, features.get(17) + 1e-3f);
    assertThat(ValidationSplit.position(LabeledClip.newBuilder(clip).setFeatures(features).build()))
        .isNotEqualTo(ValidationSplit.position(clip));
    assertThat(ValidationSplit.position(LabeledClip.newBuilder(clip).setCameraId("cam-x").build()))
        .isNotEqualTo(ValidationSplit.position(clip));
  }

  @Test
  void theHeldOutShareIsAsAskedAndGrowsWithIt() {
    int small = 0;
    int large = 0;
    for (LabeledClip clip : CLIPS) {
      boolean inSmall = ValidationSplit.isValidation(clip, 0.2);
      boolean inLarge = ValidationSplit.isValidation(clip, 0.5);
      assertThat(!inSmall || inLarge).as("held out at 20%% implies held out at 50%%").isTrue();
      small += inSmall ? 1 : 0;
      large += inLarge ? 1 : 0;
    }
    assertThat(small / (double) CLIPS.size()).isBetween(0.17, 0.23);
    assertThat(large / (double) CLIPS.size()).isBetween(0.46, 0.54);
  }

  /** {@code perLabel} clips of each label of 16 frames of 8 noise features, labels interleaved, 1 s apart. */
  private static List<LabeledClip> clips(List<String> labels, int perLabel, long seed) {
    Random random = new Random(seed);
    List<LabeledClip> out = new ArrayList<>();
    for (int i = 0; i < perLabel; i++) {
      for (String label : labels) {
        List<Float> features = new ArrayList<>();
        for (int k = 0; k < 16 * 8; k++) {
          features.add((float) random.nextGaussian());
        }
        long start = 1000L * out.size();
        out.add(LabeledClip.newBuilder().setCameraId("cam-" + out.size()).setStartTimestamp(Instant.ofEpochMilli(start))
            .setEndTimestamp(Instant.ofEpochMilli(start + 600)).setLabel(label).setFeatureDim(8).setFeatures(features)
            .setFrames(null).setBackboneId("noise").build());
      }
    }
    return out;
  }
}
