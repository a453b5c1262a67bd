package io.vibstream.local.people;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.model.pose.SkeletonProportions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SyntheticReferenceTest {
  @Test
  void walkersMoveFasterThanIdlersAndTheTrainingNoiseAddsJitter() {
    PoseNoise noise = new PoseNoise(80);
    Map<String, SkeletonProportions> proportions = new LinkedHashMap<>();
    Map<String, SyntheticReference.Motion> motion = SyntheticReference.measure(4, noise, proportions);

    assertThat(motion).containsOnlyKeys("walk", "idle", "run");
    assertThat(motion.values()).allSatisfy(m -> assertThat(m.clips()).isEqualTo(4));
    assertThat(motion.get("walk").speed()).isGreaterThan(motion.get("idle").speed());
    assertThat(motion.get("run").speed()).isGreaterThan(motion.get("walk").speed());
    assertThat(proportions).containsOnlyKeys("synthetic walk", "synthetic idle", "synthetic run");
    assertThat(proportions.get("synthetic walk").frames()).isEqualTo(4 * 32);

    Map<String, Double> v = noise.rows().stream()
        .collect(Collectors.toMap(r -> r.source() + "|" + r.size() + "|" + r.quantity(), PoseNoise.Row::value));
    assertThat(v.keySet()).noneMatch(k -> k.contains("run")).anyMatch(k -> k.startsWith("synth_none_idle|"));
    assertThat(v.get("synth_default_walk|all|torso")).isGreaterThan(v.get("synth_none_walk|all|torso"));
  }
}
