package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.flink.functions.MeanColorExtractor;
import io.vibstream.flink.functions.TestModels;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.release.ModelReleases;
import io.vibstream.model.signing.TrustedKeys;
import io.vibstream.schemas.ModelRelease;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code models publish / list / rollback} against a real broker, each test on its own compacted topic. */
class ModelsCommandTest {
  static EmbeddedKafka kafka;

  @BeforeAll
  static void broker() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  @Test
  void publishListAndRollbackKeepTheHistoryAppendOnly(@TempDir Path dir) throws Exception {
    String topic = topic();
    Path small = model(dir, "small.vib", 3, new int[] {0, 2}, 91.25, "features:/data/a:16");
    Path large = model(dir, "large.vib", 6, new int[] {0, 1, 2, 3}, 88.5, "features:/data/b:16");

    Cli first = Cli.run("models", "publish", small.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic",
        topic);
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out()).contains("published model version 1 ");
    // the manifest says version 1 again: by default the release goes one past the topic's highest
    Cli second = Cli.run("models", "publish", large.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic",
        topic);
    assertThat(second.out()).as(second.err()).contains("published model version 2 ");

    Cli list = Cli.run("models", "list", "--bootstrap", kafka.bootstrapServers(), "--topic", topic);
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.lastLine()).isEqualTo("current=2 releases=2");
    List<String> rows = rows(list);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).startsWith("        1 ").contains(" 3/3 ", " 2/4 ", " 91.25 ", "features:/data/a:16")
        .contains(sha(small).substring(0, 12)).contains(" 84 "); // 4 (2*3 + 9 + 6)
    assertThat(rows.get(1)).startsWith("*       2 ").contains(" 6/6 ", " 4/4 ", " 88.50 ", "features:/data/b:16");

    Cli rollback = Cli.run("models", "rollback", "--to", "1", "--bootstrap", kafka.bootstrapServers(), "--topic",
        topic);
    assertThat(rollback.exitCode()).as(rollback.err()).isZero();
    assertThat(rollback.lastLine()).isEqualTo("version=3");

    list = Cli.run("models", "list", "--bootstrap", kafka.bootstrapServers(), "--topic", topic);
    assertThat(list.lastLine()).isEqualTo("current=3 releases=3");
    rows = rows(list);
    assertThat(rows.get(0)).startsWith("        1 ");
    assertThat(rows.get(1)).startsWith("        2 ");
    assertThat(rows.get(2)).startsWith("*       3 ").contains(sha(small).substring(0, 12), " 3/3 ", " 2/4 ")
        .containsPattern("\\s+1\\s+0\\.00100\\s+0\\.00200\\s+features:/data/a:16$");

    List<ConsumerRecord<String, ModelRelease>> records = records(topic);
    assertThat(records).extracting(ConsumerRecord::key).containsExactly("v000001", "v000002", "v000003");
    ModelRelease v3 = records.get(2).value();
    assertThat(v3.getLineage().getParentVersion()).isEqualTo(1L);
    assertThat(v3.getLineage().getTraining()).startsWith("rollback to v1");
    assertThat(v3.getArtifact()).isEqualTo(ByteBuffer.wrap(Files.readAllBytes(small)));
    assertThat(v3.getSha256()).isEqualTo(sha(small));
    assertThat(v3.getCreatedAt()).isAfter(records.get(0).value().getCreatedAt().minusMillis(1));
  }

  @Test
  void publishAndRollbackSignWithTheSigningKeyForTheVersionTheyWrite(@TempDir Path dir) throws Exception {
    String topic = topic();
    Path small = model(dir, "small.vib", 3, new int[] {0, 2}, 91.25, "a");
    Path large = model(dir, "large.vib", 6, new int[] {0, 1, 2, 3}, 88.5, "b");
    assertThat(Cli.run("keys", "generate", "--out", dir.resolve("keys").toString()).exitCode()).isZero();
    Path key = dir.resolve("keys").resolve("release.key");
    TrustedKeys trust = TrustedKeys.load(List.of(dir.resolve("keys").resolve("release.pub")));
    String fingerprint = trust.fingerprints().get(0);

    Cli signed = Cli.run("models", "publish", small.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic",
        topic, "--signing-key", key.toString());
    assertThat(signed.exitCode()).as(signed.err()).isZero();
    assertThat(signed.lastLine()).isEqualTo("signed by key " + fingerprint);
    Cli unsigned = Cli.run("models", "publish", large.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic",
        topic);
    assertThat(unsigned.lastLine()).as(unsigned.err()).startsWith("unsigned: jobs started with --trusted-key refuse");
    Cli rollback = Cli.run("models", "rollback", "--to", "1", "--bootstrap", kafka.bootstrapServers(), "--topic",
        topic, "--signing-key", key.toString());
    assertThat(rollback.exitCode()).as(rollback.err()).isZero();
    assertThat(rollback.out()).contains("signed by key " + fingerprint);
    assertThat(rollback.lastLine()).isEqualTo("version=3");

    List<ConsumerRecord<String, ModelRelease>> records = records(topic);
    assertThat(records).hasSize(3);
    ModelRelease v1 = records.get(0).value();
    ModelRelease v3 = records.get(2).value();
    assertThat(trust.verify(1, sha(small), v1.getSignature())).isEqualTo(fingerprint);
    assertThat(ModelReleases.verify(v1, trust).artifact().manifest().hiddenSize()).isEqualTo(3);
    assertThatThrownBy(() -> ModelReleases.verify(records.get(1).value(), trust))
        .hasMessage("model release v2: unsigned release (only releases signed by key " + fingerprint.substring(0, 16)
            + " are accepted)");
    assertThat(v3.getSignature()).as("signed anew for version 3").isNotEqualTo(v1.getSignature());
    assertThat(trust.verify(3, sha(small), v3.getSignature())).isEqualTo(fingerprint);
  }

  @Test
  void anInvalidReleaseIsListedButNeitherCurrentNorARollbackTarget(@TempDir Path dir) throws Exception {
    String topic = topic();
    Path good = model(dir, "good.vib", 3, new int[] {0, 1}, 80, "d");
    assertThat(Cli.run("models", "publish", good.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic",
        topic).exitCode()).isZero();
    ModelRelease corrupt = TestModels.release(2, Files.readAllBytes(good));
    corrupt.setSha256("00".repeat(32));
    try (KafkaProducer<String, ModelRelease> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
        new AvroSerializer<>())) {
      producer.send(new ProducerRecord<>(topic, "v000002", corrupt)).get();
    }

    Cli list = Cli.run("models", "list", "--bootstrap", kafka.bootstrapServers(), "--topic", topic);
    assertThat(list.lastLine()).isEqualTo("current=1 releases=2");
    assertThat(rows(list).get(0)).startsWith("*       1 ");
    assertThat(rows(list).get(1)).startsWith("        2 ").contains("INVALID: model release v2: SHA-256 mismatch");

    Cli refused = Cli.run("models", "rollback", "--to", "2", "--bootstrap", kafka.bootstrapServers(), "--topic",
        topic);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err().strip()).startsWith("vibstream: error: release 2 cannot be served: ")
        .doesNotContain("\n");
    // v1 serves (a job refuses v2): rolling back to it would change nothing
    Cli already = Cli.run("models", "rollback", "--to", "1", "--bootstrap", kafka.bootstrapServers(), "--topic",
        topic);
    assertThat(already.err().strip()).isEqualTo("vibstream: error: version 1 is already the current release");
  }

  @Test
  void wrongFlagsPathsAndVersionsSayWhatIsWrongInOneLine(@TempDir Path dir) throws Exception {
    String topic = topic();
    Path good = model(dir, "good.vib", 3, new int[] {0, 1}, 80, "d");
    assertThat(Cli.run("models", "publish", good.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic",
        topic, "--version", "4").exitCode()).isZero();

    assertOneLineError(Cli.run("models", "rollback", "--to", "9", "--bootstrap", kafka.bootstrapServers(), "--topic",
        topic), 1, "no release with version 9 on '" + topic + "' (versions: 4)");
    assertOneLineError(Cli.run("models", "publish", good.toString(), "--version", "3", "--bootstrap",
        kafka.bootstrapServers(), "--topic", topic), 1, "version 3 is not above version 4");
    assertOneLineError(Cli.run("models", "publish", dir.resolve("missing.vib").toString(), "--bootstrap",
        kafka.bootstrapServers(), "--topic", topic), 1, "no such model file: ");
    Path garbage = Files.write(dir.resolve("garbage.vib"), new byte[] {1, 2, 3});
    assertOneLineError(Cli.run("models", "publish", garbage.toString(), "--bootstrap", kafka.bootstrapServers(),
        "--topic", topic), 1, "garbage.vib");
    assertOneLineError(Cli.run("models", "list", "--bootstrap", kafka.bootstrapServers(), "--topic", "no-such-topic"),
        1, "topic 'no-such-topic' does not exist");
    assertOneLineError(Cli.run("models", "rollback", "--bootstrap", kafka.bootstrapServers()), 2,
        "Missing required option: '--to=V'");
    assertOneLineError(Cli.run("models", "rollback", "--to", "x", "--bootstrap", kafka.bootstrapServers()), 2,
        "'x' is not a long");
    assertOneLineError(Cli.run("models", "list"), 2, "Missing required option: '--bootstrap=HOST:PORT'");
    assertThat(records(topic)).hasSize(1);
  }

  private static void assertOneLineError(Cli cli, int code, String message) {
    assertThat(cli.exitCode()).as(cli.out() + cli.err()).isEqualTo(code);
    assertThat(cli.err().strip()).startsWith("vibstream: ").contains(message).doesNotContain("\n");
  }

  private static String topic() {
    String name = "models-" + UUID.randomUUID();
    kafka.createTopic(name, 1, true);
    return name;
  }

  /** The table rows of {@code models list} (no header, no summary). */
  private static List<String> rows(Cli list) {
    List<String> lines = list.out().strip().lines().toList();
    return lines.subList(1, lines.size() - 1);
  }

  private static String sha(Path file) throws Exception {
    return ModelArtifacts.sha256Hex(Files.readAllBytes(file));
  }

  /** A manifest-version-1 model on the test backbone with an accuracy and lineage. */
  private static Path model(Path dir, String name, int hidden, int[] kept, double accuracy, String data)
      throws Exception {
    ModelArtifact a = ModelArtifacts.fromBytes(TestModels.artifact(1, MeanColorExtractor.ID, 4, 8, hidden, kept,
        hidden), name);
    ModelManifest m = a.manifest();
    ModelManifest manifest = new ModelManifest(m.formatVersion(), 1, m.createdAt(), m.labels(), m.backbone(),
        m.clipLength(), m.inputDeltas(), m.keptInputs(), m.hiddenSize(), m.originalInputSize(), m.originalHiddenSize(),
        Map.of("accuracy", accuracy), new ModelManifest.Lineage(null, data, 1e-3, 2e-3, "vib"));
    Path file = dir.resolve(name);
    ModelArtifacts.write(new ModelArtifact(manifest, a.model()), file);
    return file;
  }

  private static List<ConsumerRecord<String, ModelRelease>> records(String topic) {
    List<ConsumerRecord<String, ModelRelease>> out = new ArrayList<>();
    try (KafkaConsumer<String, ModelRelease> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
        new AvroDeserializer<>(ModelRelease.class))) {
      consumer.subscribe(List.of(topic));
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      long quiet = System.nanoTime();
      while (System.nanoTime() < end && (out.isEmpty() || System.nanoTime() - quiet < 1_000_000_000L)) {
        for (ConsumerRecord<String, ModelRelease> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(r);
          quiet = System.nanoTime();
        }
      }
    }
    return out;
  }
}
