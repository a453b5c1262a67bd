package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.local.bench.PoseJobRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench people} end to end with tiny settings: real vtest.avi frames, the real BlazePose
 * estimator, an in-JVM Kafka broker and local Flink; one short load step. Checks the output's
 * shape and that every value is positive, not how fast anything is (the bound is set far above any
 * latency so that the step counts on a busy machine too).
 */
class PeopleBenchCommandTest {
  @Test
  @Timeout(180)
  void oneShortStepPrintsTheTableTheFilesAndTheLastLine(@TempDir Path out) throws Exception {
    Cli cli = Cli.run("bench", "people", "--scene-frames", "60", "--stage-frames", "4", "--job-frames", "34",
        "--clip", "4", "--steps", "4", "--step-seconds", "4", "--min-events", "10", "--warm-up-seconds", "1",
        "--bound-ms", "60000", "--out", out.toString());
    assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
    assertThat(cli.out()).contains("(1) pose stage alone", "(2) whole job", "offered_fps achieved_fps");
    Matcher m = Pattern.compile("pose_persons_per_s=(\\d+\\.\\d) job_fps=(\\d+\\.\\d) fps_at_p99_60000ms=(\\d+\\.\\d)")
        .matcher(cli.lastLine());
    assertThat(m.matches()).as(cli.lastLine()).isTrue();
    for (int g = 1; g <= 3; g++) {
      assertThat(Double.parseDouble(m.group(g))).as(cli.lastLine()).isPositive();
    }
    assertThat(Files.readAllLines(out.resolve("steps.csv"))).hasSize(2).first()
        .isEqualTo(PeopleBenchReport.CSV_HEADER);
    assertThat(Files.size(out.resolve("p99.png"))).isPositive();
  }

  @Test
  void framesPerSecondCountsEachCamerasProgressBetweenTheTwoTimes() {
    var events = java.util.List.of(event("a", 10, 1_000), event("a", 20, 2_000), event("a", 30, 3_000),
        event("b", 5, 1_500), event("b", 15, 2_500));
    // a: 10 -> 30, b: first after 1000 is 5 -> 15: 30 frames in 2 s
    assertThat(PoseJobRun.framesPerSecond(events, 1_000, 3_000)).isEqualTo(15.0);
  }

  private static io.vibstream.schemas.ActionEvent event(String camera, long lastSeq, long emittedMs) {
    return io.vibstream.schemas.ActionEvent.newBuilder().setCameraId(camera)
        .setWindowStart(java.time.Instant.ofEpochMilli(emittedMs - 100))
        .setWindowEnd(java.time.Instant.ofEpochMilli(emittedMs - 10)).setFirstSequenceNumber(lastSeq)
        .setLastSequenceNumber(lastSeq).setLabel("walk").setConfidence(1f).setTopK(java.util.List.of())
        .setModelVersion(1).setLatencyMs(10).build();
  }
}
