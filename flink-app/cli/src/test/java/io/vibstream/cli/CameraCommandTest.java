package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.connectors.kafka.EmbeddedKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code camera} and {@code bench camera} run as they will once registered (Vibstream's handlers). */
class CameraCommandTest {
  static EmbeddedKafka kafka;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopic("frames", 1, false);
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  static Path vtest() {
    for (Path p : List.of(Path.of("../../.media/vtest.avi"), Path.of("/usr/share/doc/opencv-doc/examples/data/vtest.avi"))) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new AssertionError("vtest.avi not found; run bin/fetch-media at the repository root");
  }

  /** Runs a command with the CLI's parameter and execution exception handlers. */
  static Cli run(Object command, String... args) {
    CommandLine template = Vibstream.commandLine();
    CommandLine cli = new CommandLine(command);
    cli.setExecutionExceptionHandler(template.getExecutionExceptionHandler());
    cli.setParameterExceptionHandler(template.getParameterExceptionHandler());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Cli(cli.execute(args), out.toString(), err.toString());
  }

  @Test
  void publishesAFileToKafka() {
    Cli r = run(new CameraCommand(), "--url", vtest().toString(), "--camera-id", "cam-1", "--bootstrap",
        kafka.bootstrapServers(), "--size", "224x224", "--max-frames", "30", "--fps", "5");
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
    assertThat(r.lastLine()).isEqualTo("captured=30 published=30 dropped=0 failed=0 corrupt=0");
  }

  @Test
  void badInputIsOneErrorLine() {
    Cli r = run(new CameraCommand(), "--url", "no/such/clip.mp4", "--camera-id", "c", "--bootstrap",
        kafka.bootstrapServers());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("vibstream: error: cannot open no/such/clip.mp4: no such file" + System.lineSeparator());

    Cli noKafka = run(new CameraCommand(), "--url", vtest().toString(), "--camera-id", "c", "--bootstrap",
        "127.0.0.1:1", "--kafka-timeout-ms", "1000");
    assertThat(noKafka.exitCode()).isEqualTo(1);
    assertThat(noKafka.err()).isEqualTo("vibstream: error: camera c: no metadata for topic 'frames' within 1 s "
        + "(Kafka unreachable, or the topic does not exist)" + System.lineSeparator());

    Cli size = run(new CameraCommand(), "--url", vtest().toString(), "--camera-id", "c", "--bootstrap",
        kafka.bootstrapServers(), "--size", "224");
    assertThat(size.exitCode()).isEqualTo(2);
    assertThat(size.err()).startsWith("vibstream: size must be WxH");
  }

  @Test
  void benchPrintsTheTable() {
    Cli r = run(new CameraBenchCommand(), "--file", vtest().toString(), "--warmup", "20", "--rounds", "3");
    System.out.println(r.out());
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("| decode + scale + JPEG ffmpeg | 795 |", "| JPEG encode only, imageio (median of 3) | 795 |");
    assertThat(r.lastLine()).matches("pipeline_fps=\\d+ fastest_jpeg_cpu=(ffmpeg|imageio) fastest_jpeg_wall=(ffmpeg|imageio)");
  }
}
