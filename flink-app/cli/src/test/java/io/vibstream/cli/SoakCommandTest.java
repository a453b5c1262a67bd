package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.flink.functions.TestModels;
import io.vibstream.local.soak.StrideCheck;
import io.vibstream.model.backbone.BuiltinCnnArtifact;
import io.vibstream.model.backbone.BuiltinCnnTrainer;
import io.vibstream.schemas.ActionEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code vibstream soak}: the loss check, and a short soak of the real embedded pipeline. */
class SoakCommandTest {
  @Test
  void everyWindowOnceIsExact() {
    // 20 frames, clip 8, stride 4: windows end at 7, 11, 15, 19
    List<ActionEvent> events = new ArrayList<>();
    for (long last : new long[] {7, 11, 15, 19}) {
      events.add(event("a", last));
    }
    StrideCheck.Result r = StrideCheck.check(Map.of("a", 20L), events, 8, 4);
    assertThat(r).isEqualTo(new StrideCheck.Result(4, 4, 0, 0, 0));
    assertThat(r.exact()).isTrue();
  }

  @Test
  void missingRepeatedAndOffGridWindowsAreCounted() {
    List<ActionEvent> events = List.of(event("a", 7), event("a", 7), event("a", 15), event("a", 16), event("b", 7));
    StrideCheck.Result r = StrideCheck.check(Map.of("a", 19L, "b", 7L), events, 8, 4);
    // a: 7, 11, 15 expected (18 is the last frame), 11 lost, 7 repeated, 16 off the grid; b: 7 frames, no window
    assertThat(r).isEqualTo(new StrideCheck.Result(3, 5, 1, 1, 2));
    assertThat(r.exact()).isFalse();
  }

  @Test
  @Timeout(150)
  void aShortSoakLosesNothingAndWritesItsSamples(@TempDir Path dir) throws Exception {
    BuiltinCnnArtifact cnn = BuiltinCnnTrainer.untrained(32, new int[] {4, 8}, TestModels.LABELS, 3);
    Path cnnFile = dir.resolve("cnn.bin");
    cnn.write(cnnFile);
    Path vib = dir.resolve("model.vib");
    Files.write(vib, TestModels.artifact(5, cnn.id(), cnn.dimension(), 8, 11));

    Cli cli = Cli.run("soak", "--cameras", "3", "--duration", "20s", "--warm-up", "5s", "--sample-every", "1s",
        "--fps", "10", "--size", "32x32", "--model", vib.toString(), "--backbone", "builtin:" + cnnFile,
        "--out", dir.resolve("out").toString());

    assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
    Matcher m = Pattern.compile("rss_start_mb=\\d+ rss_end_mb=\\d+ rss_slope_mb_per_min=-?\\d+\\.\\d+ "
        + "heap_live_start_mb=\\d+ heap_live_end_mb=\\d+ heap_live_slope_mb_per_min=-?\\d+\\.\\d+ events=(\\d+) "
        + "expected=(\\d+) lost=0 duplicates=0 unexpected=0")
        .matcher(cli.lastLine());
    assertThat(m.matches()).as(cli.out()).isTrue();
    // 3 cameras, about 200 frames each, clip 8, stride 2
    assertThat(Long.parseLong(m.group(1))).isEqualTo(Long.parseLong(m.group(2))).isGreaterThan(3 * 50);
    List<String> csv = Files.readAllLines(dir.resolve("out/soak.csv"));
    assertThat(csv.get(0)).contains("rss_bytes");
    assertThat(csv.size()).isGreaterThan(15);
    assertThat(Files.size(dir.resolve("out/soak.png"))).isPositive();
  }

  private static ActionEvent event(String camera, long last) {
    return ActionEvent.newBuilder().setCameraId(camera).setWindowStart(Instant.EPOCH).setWindowEnd(Instant.EPOCH)
        .setFirstSequenceNumber(last - 7).setLastSequenceNumber(last).setLabel("walk").setConfidence(1)
        .setTopK(List.of()).setModelVersion(1).setLatencyMs(0).build();
  }
}
