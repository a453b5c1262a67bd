package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vibstream demo --video}'s one-line refusals, before anything starts (the run itself is recognize's job). */
class DemoVideoTest {
  @Test
  void refusesSyntheticOptionsAndMissingFiles(@TempDir Path dir) {
    Cli synthetic = Cli.run("demo", "--video", dir.resolve("a.avi").toString(), "--cameras", "3");
    assertThat(synthetic.exitCode()).isNotZero();
    assertThat(synthetic.err().strip()).doesNotContain("\n").contains("--cameras").contains("--video");

    Cli missing = Cli.run("demo", "--video", dir.resolve("nope.avi").toString(), "--duration", "5s");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.err().strip()).doesNotContain("\n").contains("nope.avi: no such file");

    Cli model = Cli.run("demo", "--video", RecognizeCommandTest.vtest().toString(), "--model",
        dir.resolve("m.vib").toString());
    assertThat(model.exitCode()).isNotZero();
    assertThat(model.err().strip()).doesNotContain("\n").contains("m.vib");
  }
}
