package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.connectors.datasets.VideoDatasets;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {
  @TempDir
  Path tmp;

  private static Cli run(String... args) {
    return Cli.run(args);
  }

  @Test
  void writesADataSetWithAProgressLinePerClip() throws IOException {
    Path out = tmp.resolve("synth");
    Cli synth = run("synth", "--out", out.toString(), "--classes", "2", "--clips-per-class", "2", "--seed", "3",
        "--size", "32x24", "--frames", "3", "--fps", "10");
    assertThat(synth.exitCode()).as(synth.err()).isZero();
    String[] progress = synth.err().strip().split("\n");
    assertThat(progress).hasSize(4);
    assertThat(progress[3]).contains("100% 4/4", "run/run_g02_c01.avi");
    assertThat(synth.lastLine()).startsWith("wrote 4 clips (2 train, 2 test) of 2 classes");
    assertThat(VideoDatasets.open("synth:" + out).clips()).hasSize(4);
  }

  @Test
  void badOptionsFailInOneLine() {
    Cli size = run("synth", "--out", tmp.toString(), "--classes", "2", "--clips-per-class", "1", "--seed", "1",
        "--size", "big");
    assertThat(size.exitCode()).isEqualTo(1);
    assertThat(size.err().strip()).doesNotContain("\n").contains("--size must be WxH");
    Cli classes = run("synth", "--out", tmp.toString(), "--classes", "99", "--clips-per-class", "1", "--seed", "1");
    assertThat(classes.exitCode()).isEqualTo(1);
    assertThat(classes.err().strip()).doesNotContain("\n").contains("classes must be 1..12");
  }
}
