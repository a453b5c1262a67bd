package io.vibstream.local.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.model.pose.PoseJoints;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PoseNoiseTest {
  private static final double JITTER = 5;
  private static final float HEIGHT = 100;

  @Test
  void steadyMotionHasNoResidualAndAlternatingJitterItsKnownRms() {
    PoseNoise noise = new PoseNoise(80);
    noise.add("steady", walk(10, 0), frames(0, 10));
    noise.add("jitter", walk(10, JITTER), frames(0, 10));
    Map<String, Double> v = values(noise);
    assertThat(v.get("steady|near|torso")).isCloseTo(0, within(1e-9));
    assertThat(v.get("steady|near|box_center")).isCloseTo(0, within(1e-9));
    assertThat(v.get("steady|all|invisible_share")).isZero();
    // +e, -e, ... less its 5-frame mean (+-e/5) is +-0.8 e in x only: RMS over x and y is 0.8 e / sqrt 2
    double expected = 0.8 * JITTER / HEIGHT / Math.sqrt(2);
    for (String group : List.of("torso", "head", "legs", "arms")) {
      assertThat(v.get("jitter|near|" + group)).as(group).isCloseTo(expected, within(1e-6));
      assertThat(v.get("jitter|all|" + group)).as(group).isCloseTo(expected, within(1e-6));
    }
    assertThat(v.get("jitter|near|box_center")).isCloseTo(0, within(1e-9));
    assertThat(v).doesNotContainKey("jitter|far|torso");
  }

  @Test
  void onlyFiveConsecutiveFramesGiveAResidualButEveryFrameCountsForVisibility() {
    PoseNoise noise = new PoseNoise(80);
    List<PersonPose> poses = walk(6, JITTER);
    noise.add("gappy", poses, List.of(0L, 2L, 4L, 6L, 8L, 10L));
    assertThat(noise.rows()).extracting(PoseNoise.Row::quantity).containsOnly("invisible_share");
    assertThat(noise.rows()).filteredOn(r -> r.size().equals("all")).singleElement()
        .satisfies(r -> assertThat(r.n()).isEqualTo(6L * PoseJoints.COUNT));
  }

  @Test
  void smallBoxesAreFarAndTheCsvHasOneRowPerValue() {
    PoseNoise noise = new PoseNoise(200);
    noise.add("small", walk(5, 0), frames(0, 5));
    assertThat(values(noise)).containsKey("small|far|torso").doesNotContainKey("small|near|torso");
    String[] csv = noise.csv().split("\n");
    assertThat(csv[0] + "\n").isEqualTo(PoseNoise.CSV_HEADER);
    assertThat(csv).hasSize(noise.rows().size() + 1);
  }

  /** A person moving 3 px per frame, every joint visible, x offset by +-{@code jitter} in turn. */
  private static List<PersonPose> walk(int n, double jitter) {
    List<PersonPose> poses = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float dx = 3f * i;
      float offset = (float) (i % 2 == 0 ? jitter : -jitter);
      float[] x = new float[PoseJoints.COUNT];
      float[] y = new float[PoseJoints.COUNT];
      for (int j = 0; j < x.length; j++) {
        x[j] = 100 + dx + 2 * j + offset;
        y[j] = 50 + 5 * j;
      }
      float[] visible = new float[PoseJoints.COUNT];
      Arrays.fill(visible, 1f);
      poses.add(new PersonPose(new PersonBox(90 + dx, 40, 40, HEIGHT), x, y, visible, 1f));
    }
    return poses;
  }

  private static List<Long> frames(long first, int n) {
    List<Long> frames = new ArrayList<>();
    for (long f = first; f < first + n; f++) {
      frames.add(f);
    }
    return frames;
  }

  private static Map<String, Double> values(PoseNoise noise) {
    return noise.rows().stream()
        .collect(Collectors.toMap(r -> r.source() + "|" + r.size() + "|" + r.quantity(), PoseNoise.Row::value));
  }
}
