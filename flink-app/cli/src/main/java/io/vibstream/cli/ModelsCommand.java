package io.vibstream.cli;

import io.vibstream.connectors.kafka.Topic;
import io.vibstream.local.ModelRegistry;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.schemas.ModelRelease;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
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
  static final class TopicOptions {
    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers")
    String bootstrap;

    @Option(names = "--topic", description = "models topic (default: ${DEFAULT-VALUE})")
    String topic = Topic.MODELS.topicName();

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
    TopicOptions topic = new TopicOptions();

    @Mixin
    Signing signing = new Signing();

    @Override
    public Integer call() throws Exception {
      ReleaseSigner signer = signing.signer();
      ModelRelease release = topic.with(registry -> registry.publish(file, version, signer));
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
    TopicOptions topic = new TopicOptions();

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
    TopicOptions topic = new TopicOptions();

    @Mixin
    Signing signing = new Signing();

    @Override
    public Integer call() throws Exception {
      ReleaseSigner signer = signing.signer();
      ModelRelease release = topic.with(registry -> registry.rollback(to, signer));
      PrintWriter out = spec.commandLine().getOut();
      out.printf("published version %d: the artifact of version %d (sha256 %s) to %s%n", release.getVersion(), to,
          release.getSha256(), topic.topic);
      out.println(Signing.describe(signer));
      out.printf("version=%d%n", release.getVersion());
      out.flush();
      return 0;
    }
  }
}
