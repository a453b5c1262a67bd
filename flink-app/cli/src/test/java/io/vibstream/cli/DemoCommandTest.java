package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.flink.functions.TestModels;
import io.vibstream.model.backbone.BuiltinCnnArtifact;
import io.vibstream.model.backbone.BuiltinCnnTrainer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vibstream demo} end to end with an untrained builtin CNN and a tiny random LSTM: broker,
 * local Flink job, two realtime synthetic cameras, the model through the models topic.
 */
class DemoCommandTest {
  private static final int CLIP = 8;

  @Test
  @Timeout(120)
  void demoRunsAndCleansUp(@TempDir Path dir) throws Exception {
    BuiltinCnnArtifact cnn = BuiltinCnnTrainer.untrained(32, new int[] {4, 8}, TestModels.LABELS, 3);
    Path cnnFile = dir.resolve("cnn.bin");
    cnn.write(cnnFile);
    Path vib = dir.resolve("model.vib");
    Files.write(vib, TestModels.artifact(5, cnn.id(), cnn.dimension(), CLIP, 11));
    Set<Thread> before = Thread.getAllStackTraces().keySet();

    Cli cli = Cli.run("demo", "--cameras", "2", "--duration", "20s", "--model", vib.toString(), "--backbone",
        "builtin:" + cnnFile, "--size", "32x32", "--fps", "15", "--stride", "4", "--min-action-s", "2",
        "--max-action-s", "3");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    Matcher m = Pattern.compile("accuracy=\\d+\\.\\d events=(\\d+) frames=(\\d+) p50_ms=\\d+ p99_ms=\\d+")
        .matcher(cli.lastLine());
    assertThat(m.matches()).as(cli.out()).isTrue();
    assertThat(Long.parseLong(m.group(1))).as(cli.out()).isPositive();
    assertThat(Long.parseLong(m.group(2))).isGreaterThan(2 * 15 * 10);
    assertThat(cli.out().lines().filter(l -> l.startsWith("accuracy=")).count()).isEqualTo(1);
    assertThat(cli.out()).contains("model version 5 published").contains("cam0").contains("cam1");

    // nothing left listening on the broker's port, no new non-daemon threads (best effort: a grace period)
    Matcher broker = Pattern.compile("kafka on 127\\.0\\.0\\.1:(\\d+)").matcher(cli.out());
    assertThat(broker.find()).isTrue();
    assertThat(listening(Integer.parseInt(broker.group(1)))).isFalse();
    List<String> leaked = List.of();
    for (int i = 0; i < 50; i++) {
      leaked = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.isAlive() && !t.isDaemon() && !before.contains(t))
          .map(Thread::getName).sorted().collect(Collectors.toList());
      if (leaked.isEmpty()) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(leaked).as("non-daemon threads left behind").isEmpty();
  }

  /**
   * The README's demo as a test: the shipped demo model (real pose backbone, VIB-compressed LSTM),
   * published to the models topic, on four realtime cameras for 60 s in scenes it never saw; every
   * event, read with read_committed, is scored against the cameras' ground truth and names the
   * model version that produced it.
   */
  @Test
  @Timeout(240)
  void theShippedModelRecognizesActionsOnUnseenCameras() {
    Path shipped = Path.of("../..", "models", "demo").toAbsolutePath().normalize();
    Cli cli = Cli.run("demo", "--cameras", "4", "--duration", "60s", "--model", shipped.resolve("model.vib").toString(),
        "--backbone", "builtin:" + shipped.resolve("backbone.cnn"), "--refresh-ms", "0");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    Matcher m = Pattern.compile("accuracy=(\\d+\\.\\d) events=(\\d+) frames=\\d+ p50_ms=\\d+ p99_ms=\\d+")
        .matcher(cli.lastLine());
    assertThat(m.matches()).as(cli.out()).isTrue();
    System.out.println("shipped demo model: " + cli.out().lines().filter(l -> l.startsWith("recognized per action"))
        .findFirst().orElse("") + System.lineSeparator() + cli.lastLine());
    int events = Integer.parseInt(m.group(2));
    assertThat(events).isGreaterThan(400);
    assertThat(cli.out()).as("every event names the published model").contains("model version 1 published")
        .contains("events per model version: {1=" + events + "}");
    assertThat(Double.parseDouble(m.group(1))).as(cli.out()).isGreaterThanOrEqualTo(85.0);
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
