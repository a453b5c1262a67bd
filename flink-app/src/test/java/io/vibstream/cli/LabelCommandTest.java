package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.synth.SyntheticVideos;
import io.vibstream.flink.functions.TestModels;
import io.vibstream.model.backbone.BuiltinCnnArtifact;
import io.vibstream.model.backbone.BuiltinCnnTrainer;
import io.vibstream.model.data.FeatureSequences;
import io.vibstream.schemas.LabeledClip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vibstream label} against a real broker, and the one-line errors of {@code label} and {@code retrain}. */
class LabelCommandTest {
  static EmbeddedKafka kafka;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void broker() throws Exception {
    kafka = EmbeddedKafka.start();
    BrokerCommand.createTopics(kafka);
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  @Test
  void aVideoRunThroughTheBackboneBecomesOneClip() throws Exception {
    Path video = SyntheticVideos.write(tmp.resolve("videos"), 1, 1, 4, 32, 32, 12, 10).clips().get(0).path();
    BuiltinCnnArtifact cnn = BuiltinCnnTrainer.untrained(32, new int[] {4, 8}, TestModels.LABELS, 3);
    Path cnnFile = tmp.resolve("cnn.bin");
    cnn.write(cnnFile);
    kafka.createTopic("clips-video", 1, false);

    Cli label = Cli.run("label", "--bootstrap", kafka.bootstrapServers(), "--label", "wave", "--video",
        video.toString(), "--backbone", "builtin:" + cnnFile, "--from-frame", "2", "--to-frame", "6",
        "--topic", "clips-video");

    assertThat(label.exitCode()).as(label.err()).isZero();
    assertThat(label.lastLine()).isEqualTo("published 1 clips {wave=1} of backbone " + cnn.id() + " (dimension "
        + cnn.dimension() + ") to clips-video");
    LabeledClip clip = read("clips-video", 1).get(0);
    assertThat(clip.getLabel()).isEqualTo("wave");
    assertThat(clip.getCameraId()).isEqualTo(video.getFileName().toString());
    assertThat(clip.getBackboneId()).isEqualTo(cnn.id());
    assertThat(clip.getFeatureDim()).isEqualTo(cnn.dimension());
    assertThat(clip.getFeatures()).hasSize(5 * cnn.dimension());
    assertThat(clip.getStartTimestamp().toEpochMilli()).isEqualTo(Files.getLastModifiedTime(video).toMillis());
  }

  @Test
  void aFeatureDirectoryBecomesClipsWithTheirOwnLabels() throws Exception {
    Path dir = tmp.resolve("features");
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(dir, "net", 2, List.of("walk", "run"))) {
      writer.add(frames(6, 0), "walk", "train", "videos/walk/1.avi");
      writer.add(frames(3, 100), "run", "test", null);
      writer.add(frames(6, 200), "run", "train", null);
    }
    kafka.createTopic("clips-all", 1, false);
    kafka.createTopic("clips-run", 1, false);

    Cli all = Cli.run("label", "--bootstrap", kafka.bootstrapServers(), "--features-dir", dir.toString(),
        "--topic", "clips-all");
    Cli run = Cli.run("label", "--bootstrap", kafka.bootstrapServers(), "--features-dir", dir.toString(),
        "--label", "run", "--from-frame", "1", "--to-frame", "4", "--topic", "clips-run");

    assertThat(all.exitCode()).as(all.err()).isZero();
    assertThat(all.lastLine()).isEqualTo("published 3 clips {run=2, walk=1} of backbone net (dimension 2) to clips-all");
    List<LabeledClip> clips = read("clips-all", 3);
    assertThat(clips).extracting(LabeledClip::getLabel).containsExactly("walk", "run", "run");
    assertThat(clips).extracting(LabeledClip::getCameraId).containsExactly("videos/walk/1.avi", "features#1",
        "features#2");
    assertThat(clips.get(1).getFeatures()).containsExactly(100f, 100.5f, 101f, 101.5f, 102f, 102.5f);
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<LabeledClip> runs = read("clips-run", 2);
    assertThat(runs).extracting(LabeledClip::getLabel).containsOnly("run");
    assertThat(runs.get(0).getFeatures()).containsExactly(101f, 101.5f, 102f, 102.5f);
    assertThat(runs.get(1).getFeatures()).hasSize(4 * 2);
  }

  @Test
  void wrongPathsAndFlagsSayWhatIsWrongInOneLine() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--features-dir", tmp.resolve("nope").toString()), 1,
        "no such directory");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--label", "wave", "--video",
        tmp.resolve("nope.avi").toString(), "--backbone", "builtin:x"), 1, "nope.avi: no such video file");
    String either = "give either --video FILE --backbone SPEC or --features-dir DIR";
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--label", "wave", "--video", "x.avi"), 1, either);
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--video", "x.avi", "--backbone", "builtin:x",
        "--features-dir", "d"), 1, either);
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap), 1, either);
    assertOneLine(Cli.run("label", "--label", "wave", "--features-dir", "d"), 2, "Missing required option: '--bootstrap");
    Path video = SyntheticVideos.write(tmp.resolve("bad"), 1, 1, 4, 32, 32, 4, 10).clips().get(0).path();
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--video", video.toString(), "--backbone", "builtin:x"),
        1, "--label ACTION is required with --video");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--label", "wave", "--video", video.toString(),
        "--backbone", "builtin:" + tmp.resolve("none.bin")), 1, "no such file");
    Path dir = tmp.resolve("one");
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(dir, "net", 2, List.of("walk"))) {
      writer.add(frames(3, 0), "walk", "train", null);
    }
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--features-dir", dir.toString(), "--label", "run"), 1,
        "has no clips labelled 'run' (labels: [walk])");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--features-dir", dir.toString(), "--from-frame", "3"),
        1, "has no clip longer than --from-frame 3");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--features-dir", dir.toString(), "--from-frame", "2",
        "--to-frame", "1"), 1, "need 0 <= --from-frame <= --to-frame");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--features-dir", dir.toString(), "--topic", "nope"), 1,
        "topic(s) [nope] do not exist");

    assertOneLine(Cli.run("retrain", "--bootstrap", bootstrap, "--every-clips", "0", "--every", "0"), 1,
        "one trigger must be on");
    assertOneLine(Cli.run("retrain", "--bootstrap", bootstrap, "--every", "often"), 2,
        "'often' is not a duration");
    assertOneLine(Cli.run("retrain", "--bootstrap", bootstrap, "--mode", "guess"), 1,
        "--mode must be fine-tune or fresh");
    assertOneLine(Cli.run("retrain", "--bootstrap", bootstrap, "--validation-share", "1.5"), 1,
        "validationShare=1.5");
    assertOneLine(Cli.run("retrain", "--bootstrap", bootstrap, "--clips-topic", "nope"), 1,
        "topic(s) [nope] do not exist");
  }

  private static void assertOneLine(Cli cli, int exitCode, String message) {
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(exitCode);
    assertThat(cli.err().strip()).doesNotContain("\n").contains(message);
  }

  /** Frame t holds {@code base + t}, {@code base + t + 0.5}. */
  private static float[][] frames(int n, int base) {
    float[][] out = new float[n][];
    for (int t = 0; t < n; t++) {
      out[t] = new float[] {base + t, base + t + 0.5f};
    }
    return out;
  }

  private static List<LabeledClip> read(String topic, int n) {
    List<LabeledClip> out = new ArrayList<>();
    try (KafkaConsumer<String, LabeledClip> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "label-test-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
        new AvroDeserializer<>(LabeledClip.class))) {
      consumer.subscribe(List.of(topic));
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (out.size() < n && System.nanoTime() < end) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
      }
    }
    assertThat(out).hasSize(n);
    return out;
  }
}
