package io.vibstream.cli;

import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.schemas.Lineage;
import io.vibstream.schemas.ModelRelease;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vibstream models}: model releases on Kafka. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Model releases on Kafka.",
    subcommands = {ModelsCommand.Publish.class})
final class ModelsCommand implements Callable<Integer> {
  /** Key of every release on the compacted models topic: the latest one is the current model. */
  static final String KEY = "current";

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** {@code vibstream models publish FILE.vib --bootstrap HOST:PORT [--version V]}. */
  @Command(name = "publish", mixinStandardHelpOptions = true,
      description = "Publish a .vib model (bytes inline, SHA-256, metrics, lineage) to the compacted models topic.")
  static final class Publish implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.vib", description = "the model artifact")
    Path file;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers")
    String bootstrap;

    @Option(names = "--version", paramLabel = "V", description = "release version (default: the manifest's)")
    Long version;

    @Option(names = "--topic", description = "models topic (default: ${DEFAULT-VALUE})")
    String topic = KafkaWiring.MODELS;

    @Override
    public Integer call() throws Exception {
      ModelRelease release = publish(bootstrap, topic, file, version);
      spec.commandLine().getOut().printf("published model version %d (%d bytes, sha256 %s) to %s%n",
          release.getVersion(), release.getArtifact().remaining(), release.getSha256(), topic);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** The release of {@code file} ({@code version} or the manifest's). */
  static ModelRelease release(Path file, Long version) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    ModelArtifact artifact = ModelArtifacts.fromBytes(bytes, file.toString());
    ModelManifest m = artifact.manifest();
    ModelManifest.Lineage l = m.lineage();
    return ModelRelease.newBuilder()
        .setVersion(version != null ? version : m.version())
        .setArtifact(ByteBuffer.wrap(bytes))
        .setReference(null)
        .setSha256(ModelArtifacts.sha256Hex(bytes))
        .setSignature(null)
        .setMetrics(Map.copyOf(m.metrics()))
        .setLineage(Lineage.newBuilder()
            .setParentVersion(l == null ? null : l.parentVersion())
            .setData(l == null || l.data() == null ? "" : l.data())
            .setBeta(l == null ? 0 : l.beta())
            .setBetaInput(l == null ? 0 : l.betaInput())
            .setTraining(l == null || l.training() == null ? "" : l.training())
            .build())
        .setCreatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
        .build();
  }

  /** Publishes {@code file} in one transaction (idempotent, acks=all) keyed {@value #KEY}; returns the release. */
  static ModelRelease publish(String bootstrap, String topic, Path file, Long version) throws Exception {
    ModelRelease release = release(file, version);
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "vibstream-models-publish-" + UUID.randomUUID(),
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    try (KafkaProducer<String, ModelRelease> producer = new KafkaProducer<>(config, new StringSerializer(),
        new AvroSerializer<>())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, KEY, release)).get();
      producer.commitTransaction();
    }
    return release;
  }
}
