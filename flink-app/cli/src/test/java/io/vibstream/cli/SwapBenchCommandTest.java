package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.local.bench.SwapObserver;
import io.vibstream.schemas.ActionEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SwapBenchCommandTest {
  @Test
  @Timeout(240)
  void everySubtaskServesEachReleaseNoCameraLosesAStrideAndLatencyIsMeasuredWhileTheRetrainJobTrains() {
    Cli cli = Cli.run("bench", "swap", "--swaps", "2", "--cameras", "2", "--latency-window", "3s",
        "--retrain-clips", "150", "--retrain-epochs", "30");

    assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
    Matcher last = Pattern.compile("swap_ms=(\\d+) p99_ms_idle=(\\d+) p99_ms_training=(\\d+)").matcher(cli.lastLine());
    assertThat(last.matches()).as(cli.lastLine()).isTrue();
    for (int i = 1; i <= 3; i++) {
      assertThat(Long.parseLong(last.group(i))).as(cli.lastLine()).isPositive();
    }
    List<String> rows = cli.out().lines().filter(l -> l.matches("\\s+[12]\\s+[23]\\s+H'=.*")).toList();
    assertThat(rows).as(cli.out()).hasSize(2);
    assertThat(rows.get(0)).contains("H'=16 D'=32");
    assertThat(rows.get(1)).contains("H'=32 D'=64");
    assertThat(cli.out()).contains("one per stride per camera, versions never went back");
    assertThat(cli.out().lines().filter(l -> l.matches("(idle|training)\\s+[0-9.]+\\s+[1-9]\\d*(\\s+\\d+){3}")))
        .as(cli.out()).hasSize(2);
    assertThat(cli.out()).containsPattern("retrain job: (PUBLISHED|REJECTED) after \\d+ ms of training on \\d+ clips");
  }

  @Test
  void continuityFindsLostRepeatedAndBackwardEvents() {
    assertThat(SwapObserver.continuityProblems(Map.of("a", List.of(event(7, 1), event(9, 1), event(11, 2))), 2))
        .isEmpty();
    assertThat(SwapObserver.continuityProblems(Map.of("a", List.of(event(7, 1), event(11, 2))), 2))
        .containsExactly("a: event after frame 7 ends at frame 11, expected 9");
    assertThat(SwapObserver.continuityProblems(Map.of("a", List.of(event(7, 1), event(7, 2))), 2))
        .containsExactly("a: event after frame 7 ends at frame 7, expected 9");
    assertThat(SwapObserver.continuityProblems(Map.of("a", List.of(event(7, 2), event(9, 1))), 2))
        .containsExactly("a: version 1 after 2");
    assertThat(SwapObserver.continuityProblems(Map.of("a", List.of()), 2)).containsExactly("a: no events");
  }

  private static ActionEvent event(long last, long version) {
    return ActionEvent.newBuilder().setCameraId("a").setWindowStart(Instant.EPOCH).setWindowEnd(Instant.EPOCH)
        .setFirstSequenceNumber(last - 7).setLastSequenceNumber(last).setLabel("walk").setConfidence(1)
        .setTopK(List.of()).setModelVersion(version).setLatencyMs(0).build();
  }
}
