package io.vibstream.cli;

import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.release.ModelReleases;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.schemas.Lineage;
import io.vibstream.schemas.ModelRelease;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream models}: model releases on Kafka. The compacted models topic is the release
 * history: each release is keyed by its version ({@code v000042}, see {@link ModelRegistry}).
 */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Model releases on Kafka.",
    subcommands = {ModelsCommand.Publish.class, ModelsCommand.ListReleases.class, ModelsCommand.Rollback.class})
final class ModelsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** Options every subcommand takes. */
  static final class Topic {
    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers")
    String bootstrap;

    @Option(names = "--topic", description = "models topic (default: ${DEFAULT-VALUE})")
    String topic = KafkaWiring.MODELS;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    ModelRegistry registry() {
      return new ModelRegistry(bootstrap, kafka.config, topic);
    }

    /** Runs {@code call} on a registry of this topic, closed afterwards. */
    <T> T with(RegistryCall<T> call) throws Exception {
      try (ModelRegistry registry = registry()) {
        return call.apply(registry);
      }
    }
  }

  /** The key that signs a release ({@code --signing-key}), read before anything is published. */
  static final class Signing {
    @Option(names = "--signing-key", paramLabel = "FILE", description = "Ed25519 private key that signs the "
        + "release (PEM, PKCS#8, e.g. from 'vibstream keys generate'); without it the release is unsigned and "
        + "jobs started with --trusted-key refuse it")
    Path file;

    /** The signer of {@code --signing-key}, or null. */
    ReleaseSigner signer() {
      return file == null ? null : ReleaseSigner.load(file);
    }

    /** One line on how {@code release} is signed. */
    static String describe(ReleaseSigner signer) {
      return signer == null ? "unsigned: jobs started with --trusted-key refuse it (give --signing-key)"
          : "signed by key " + signer.fingerprint();
    }
  }

  /** Something done with a {@link ModelRegistry}. */
  @FunctionalInterface
  interface RegistryCall<T> {
    T apply(ModelRegistry registry) throws Exception;
  }

  /** {@code vibstream models publish FILE.vib --bootstrap HOST:PORT [--version V] [--signing-key FILE]}. */
  @Command(name = "publish", mixinStandardHelpOptions = true,
      description = "Publish a .vib model (bytes inline, SHA-256, metrics, lineage) as a new release.")
  static final class Publish implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.vib", description = "the model artifact")
    Path file;

    @Option(names = "--version", paramLabel = "V",
        description = "release version, above every version on the topic (default: the manifest's, or one past "
            + "the highest on the topic if that is not newer)")
    Long version;

    @Mixin
    Topic topic = new Topic();

    @Mixin
    Signing signing = new Signing();

    @Override
    public Integer call() throws Exception {
      ReleaseSigner signer = signing.signer();
      ModelRelease release = topic.with(registry -> publish(registry, file, version, signer));
      PrintWriter out = spec.commandLine().getOut();
      out.printf("published model version %d (%d bytes, sha256 %s) to %s%n", release.getVersion(),
          release.getArtifact().remaining(), release.getSha256(), topic.topic);
      out.println(Signing.describe(signer));
      out.flush();
      return 0;
    }
  }

  /** {@code vibstream models list --bootstrap HOST:PORT}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"Every release on the models topic (read_committed, from the beginning), oldest version first: "
          + "manifest sizes, accuracy, lineage; '*' marks the current one (the highest valid version, what jobs "
          + "on its backbone serve).", "The last line is current=V releases=N."})
  static final class ListReleases implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Topic topic = new Topic();

    @Override
    public Integer call() {
      List<ModelRegistry.Entry> history;
      try (ModelRegistry registry = topic.registry()) {
        history = registry.history();
      }
      Optional<ModelRegistry.Entry> current = ModelRegistry.current(history);
      PrintWriter out = spec.commandLine().getOut();
      out.println(ReleaseTable.render(history, current.orElse(null)));
      out.printf("current=%s releases=%d%n", current.map(e -> Long.toString(e.release().getVersion())).orElse("none"),
          history.size());
      out.flush();
      return 0;
    }
  }

  /** {@code vibstream models rollback --to V --bootstrap HOST:PORT [--signing-key FILE]}. */
  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = {"Republish release V's artifact as a new release (version = highest + 1, lineage parent = V), "
          + "signed anew for its new version; the history stays append-only and running jobs switch to it.",
          "The last line is version=N."})
  static final class Rollback implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--to", required = true, paramLabel = "V", description = "the version to go back to")
    long to;

    @Mixin
    Topic topic = new Topic();

    @Mixin
    Signing signing = new Signing();

    @Override
    public Integer call() throws Exception {
      ReleaseSigner signer = signing.signer();
      ModelRelease release = topic.with(registry -> rollback(registry, to, signer));
      PrintWriter out = spec.commandLine().getOut();
      out.printf("published version %d: the artifact of version %d (sha256 %s) to %s%n", release.getVersion(), to,
          release.getSha256(), topic.topic);
      out.println(Signing.describe(signer));
      out.printf("version=%d%n", release.getVersion());
      out.flush();
      return 0;
    }
  }

  /** Publishes {@code file} to {@code topic}; see {@link #publish(ModelRegistry, Path, Long, ReleaseSigner)}. */
  static ModelRelease publish(String bootstrap, String topic, Path file, Long version, ReleaseSigner signer)
      throws Exception {
    try (ModelRegistry registry = new ModelRegistry(bootstrap, topic)) {
      return publish(registry, file, version, signer);
    }
  }

  /**
   * Publishes {@code file} as a new release: version {@code version}, or by default the manifest's
   * (one past the highest on the topic if that is not newer), signed by {@code signer} (null:
   * unsigned). A version that is not above every version on the topic is refused (running jobs
   * would refuse it too).
   */
  static ModelRelease publish(ModelRegistry registry, Path file, Long version, ReleaseSigner signer)
      throws Exception {
    byte[] bytes;
    try {
      bytes = ModelArtifacts.readBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such model file: " + file);
    }
    ModelArtifact artifact = ModelArtifacts.fromBytes(bytes, file.toString());
    long highest = ModelRegistry.maxVersion(registry.history());
    long v = version != null ? version : Math.max(artifact.manifest().version(), highest + 1);
    if (v <= highest) {
      throw new IllegalArgumentException("version " + v + " is not above version " + highest + " on '"
          + registry.topic() + "' (running jobs would refuse it); give --version " + (highest + 1) + " or more");
    }
    ModelRelease release = release(artifact.manifest(), bytes, v, signer);
    registry.publish(release);
    return release;
  }

  /**
   * Republishes release {@code to} (its artifact, checksum, metrics and lineage data) as version
   * highest + 1 with lineage parent {@code to}, signed by {@code signer} for that version (null:
   * unsigned; the old signature covers the old version only).
   */
  static ModelRelease rollback(ModelRegistry registry, long to, ReleaseSigner signer) throws Exception {
    List<ModelRegistry.Entry> history = registry.history();
    List<ModelRegistry.Entry> matching = history.stream()
        .filter(e -> e.release() != null && e.release().getVersion() == to).toList();
    if (matching.isEmpty()) {
      throw new IllegalArgumentException("no release with version " + to + " on '" + registry.topic()
          + "' (versions: " + history.stream().filter(e -> e.release() != null)
              .map(e -> Long.toString(e.release().getVersion())).distinct().collect(Collectors.joining(", ")) + ")");
    }
    ModelRegistry.Entry target = matching.get(0);
    if (!target.valid()) {
      throw new IllegalArgumentException("release " + to + " cannot be served: " + target.problem());
    }
    Optional<ModelRegistry.Entry> current = ModelRegistry.current(history);
    if (current.isPresent() && current.get().release().getVersion() == to) {
      throw new IllegalArgumentException("version " + to + " is already the current release");
    }
    ModelRelease old = target.release();
    Lineage lineage = Lineage.newBuilder(old.getLineage())
        .setParentVersion(to)
        .setTraining(old.getLineage().getTraining().isEmpty() ? "rollback to v" + to
            : "rollback to v" + to + "; " + old.getLineage().getTraining())
        .build();
    long version = ModelRegistry.maxVersion(history) + 1;
    ModelRelease release = ModelRelease.newBuilder(old)
        .setVersion(version)
        .setSignature(ModelReleases.signature(signer, version, old.getSha256()))
        .setLineage(lineage)
        .setCreatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
        .build();
    registry.publish(release);
    return release;
  }

  /**
   * The release of an artifact's bytes as version {@code version}, lineage from its manifest,
   * signed by {@code signer} (null: unsigned).
   */
  static ModelRelease release(ModelManifest m, byte[] bytes, long version, ReleaseSigner signer) {
    return ModelReleases.inline(version, bytes, m, Instant.now().truncatedTo(ChronoUnit.MILLIS), signer);
  }
}
