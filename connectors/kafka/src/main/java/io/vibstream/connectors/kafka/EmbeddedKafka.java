package io.vibstream.connectors.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.authorizer.StandardAuthorizer;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka (KRaft, combined broker and controller, {@link KafkaRaftServer}) in
 * this JVM, for tests and demos. Both listeners bind 127.0.0.1; every replication factor is 1,
 * and the transaction state log is set up for one broker (RF 1, min ISR 1), so transactional
 * producers and {@code read_committed} consumers work. The log directory is formatted with
 * {@link Formatter} first. Start-up takes a few seconds.
 *
 * <p>{@link #startSecured} starts it with {@link Security}: TLS and SASL on every listener and an
 * ACL authorizer, so that tests can check what the project's clients need and what is refused.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *   kafka.createTopic("frames", 4, false);
 *   ... kafka.bootstrapServers() ...
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  /** Largest record the broker accepts ({@code message.max.bytes}): model releases carry their artifact. */
  public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

  /** The broker's own SASL user, a super user: the only principal with rights before ACLs are added. */
  public static final String BROKER_USER = "broker";

  /**
   * TLS and SASL for a broker: the client listener is SASL_SSL with SCRAM-SHA-512 (users and their
   * passwords are added through the Admin API, {@code alterUserScramCredentials}); the broker
   * authenticates to itself on it (transaction markers) as {@link #BROKER_USER}, whose SCRAM
   * credential is written into the log directory when it is formatted, as {@code kafka-storage
   * format --add-scram} does. The controller listener is SASL_SSL with PLAIN and the same user
   * (KRaft cannot check SCRAM before the metadata that holds the credentials is read). Authorization
   * is Kafka's {@code StandardAuthorizer}, with {@link #BROKER_USER} the only super user; without a
   * matching ACL everything is denied. The key store holds the broker's key and a certificate for
   * 127.0.0.1 (clients verify the host name), the trust store its issuer; both PKCS12.
   *
   * @param brokerPassword the broker user's password (letters, digits, {@code . _ ~ -}; a log
   *     directory formatted with one needs the same one again)
   */
  public record Security(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword,
      String brokerPassword) {
    public Security {
      Objects.requireNonNull(keyStore, "keyStore");
      Objects.requireNonNull(keyStorePassword, "keyStorePassword");
      Objects.requireNonNull(trustStore, "trustStore");
      Objects.requireNonNull(trustStorePassword, "trustStorePassword");
      if (brokerPassword == null || !brokerPassword.matches("[A-Za-z0-9._~-]{8,}")) {
        throw new IllegalArgumentException("brokerPassword: at least 8 letters, digits or . _ ~ -");
      }
    }

    private void addBrokerProperties(Properties p) {
      addTrust(p::put);
      p.put("ssl.keystore.location", keyStore.toAbsolutePath().toString());
      p.put("ssl.keystore.type", "PKCS12");
      p.put("ssl.keystore.password", keyStorePassword);
      p.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", SCRAM);
      p.put("sasl.mechanism.inter.broker.protocol", SCRAM);
      p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas("scram.ScramLoginModule", ""));
      p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
      p.put("sasl.mechanism.controller.protocol", "PLAIN");
      p.put("listener.name.controller.plain.sasl.jaas.config",
          jaas("plain.PlainLoginModule", " user_" + BROKER_USER + "=\"" + brokerPassword + "\""));
      p.put("authorizer.class.name", StandardAuthorizer.class.getName());
      p.put("super.users", "User:" + BROKER_USER);
    }

    /** The client settings of the broker's own user (the super user). */
    private Map<String, Object> superUserSettings() {
      Map<String, Object> settings = new HashMap<>();
      addTrust(settings::put);
      settings.put("security.protocol", "SASL_SSL");
      settings.put("sasl.mechanism", SCRAM);
      settings.put("sasl.jaas.config", jaas("scram.ScramLoginModule", ""));
      return settings;
    }

    private void addTrust(BiConsumer<String, String> put) {
      put.accept("ssl.truststore.location", trustStore.toAbsolutePath().toString());
      put.accept("ssl.truststore.type", "PKCS12");
      put.accept("ssl.truststore.password", trustStorePassword);
    }

    private String jaas(String module, String extra) {
      return "org.apache.kafka.common.security." + module + " required username=\"" + BROKER_USER
          + "\" password=\"" + brokerPassword + "\"" + extra + ";";
    }
  }

  private static final String SCRAM = "SCRAM-SHA-512";

  private final KafkaRaftServer server;
  private final Path logDir;
  private final boolean deleteLogDir;
  private final int port;
  private final Security security;
  private boolean closed;

  private EmbeddedKafka(KafkaRaftServer server, Path logDir, boolean deleteLogDir, int port, Security security) {
    this.server = server;
    this.logDir = logDir;
    this.deleteLogDir = deleteLogDir;
    this.port = port;
    this.security = security;
  }

  /** Starts a broker on a free port with a temporary log directory (deleted on close). */
  public static EmbeddedKafka start() throws IOException {
    return start(0, null);
  }

  /**
   * Starts a broker.
   *
   * @param port the client port on 127.0.0.1, or 0 for a free one
   * @param logDir the log directory (created if missing, kept on close), or null for a temporary one
   *     deleted on close
   */
  public static EmbeddedKafka start(int port, Path logDir) throws IOException {
    return start(port, logDir, null);
  }

  /** Starts a broker with TLS, SASL and ACLs ({@link Security}) on a free port with a temporary log directory. */
  public static EmbeddedKafka startSecured(Security security) throws IOException {
    return start(0, null, Objects.requireNonNull(security, "security"));
  }

  private static EmbeddedKafka start(int port, Path logDir, Security security) throws IOException {
    boolean temporary = logDir == null;
    Path dir = temporary ? Files.createTempDirectory("vibstream-kafka-") : Files.createDirectories(logDir);
    try {
      int clientPort = port > 0 ? port : freePort();
      int controllerPort = freePort();
      KafkaConfig config = new KafkaConfig(brokerProperties(dir, clientPort, controllerPort, security), false);
      if (!Files.exists(dir.resolve("meta.properties"))) {
        format(config, dir, security);
      }
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      EmbeddedKafka kafka = new EmbeddedKafka(server, dir, temporary, clientPort, security);
      try {
        server.startup();
        kafka.awaitReady();
      } catch (RuntimeException | IOException e) {
        kafka.close();
        throw e;
      }
      return kafka;
    } catch (RuntimeException | IOException e) {
      if (temporary) {
        deleteRecursively(dir);
      }
      throw e;
    }
  }

  private static Properties brokerProperties(Path dir, int clientPort, int controllerPort, Security security) {
    String protocol = security == null ? "PLAINTEXT" : "SASL_SSL";
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.put("listeners", protocol + "://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", protocol + "://" + HOST + ":" + clientPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", protocol);
    p.put("listener.security.protocol.map", protocol + ":" + protocol + ",CONTROLLER:" + protocol);
    if (security != null) {
      security.addBrokerProperties(p);
    }
    p.put("log.dirs", dir.toAbsolutePath().toString());
    p.put("num.partitions", "1");
    // Model releases carry their artifact inline: allow records up to 16 MiB (the producers' limit).
    p.put("message.max.bytes", Integer.toString(MAX_RECORD_BYTES));
    p.put("replica.fetch.max.bytes", Integer.toString(MAX_RECORD_BYTES));
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    return p;
  }

  private static void format(KafkaConfig config, Path dir, Security security) throws IOException {
    Formatter formatter = new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setClusterId(Uuid.randomUuid().toString())
        .setNodeId(NODE_ID)
        .setControllerListenerName("CONTROLLER")
        .setMetadataLogDirectory(dir.toAbsolutePath().toString())
        .setDirectories(List.of(dir.toAbsolutePath().toString()))
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION);
    if (security != null) {
      formatter.setScramArguments(
          List.of(SCRAM + "=[name=" + BROKER_USER + ",password=" + security.brokerPassword() + "]"));
    }
    try {
      formatter.run();
    } catch (Exception e) {
      throw new IOException("cannot format Kafka log directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    try (Admin admin = admin()) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IOException("embedded Kafka on " + bootstrapServers() + " not ready after " + STARTUP_TIMEOUT, e);
          }
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for embedded Kafka", e);
    }
  }

  /** {@code 127.0.0.1:PORT}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /** The client port. */
  public int port() {
    return port;
  }

  /** The log directory. */
  public Path logDir() {
    return logDir;
  }

  /** An admin client of this broker (with {@link Security}: as {@link #BROKER_USER}); the caller closes it. */
  public Admin admin() {
    Map<String, Object> config = new HashMap<>(security == null ? Map.of() : security.superUserSettings());
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
    return Admin.create(config);
  }

  /**
   * Creates a topic with replication factor 1 and waits until it exists.
   *
   * @param compacted {@code cleanup.policy=compact} (for latest-value topics such as model releases)
   */
  public void createTopic(String name, int partitions, boolean compacted) {
    NewTopic topic = new NewTopic(name, partitions, (short) 1)
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
            compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE));
    try (Admin admin = admin()) {
      admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("cannot create topic " + name + ": " + cause.getMessage(), cause);
    }
  }

  /** Creates one of the project's topics with its partitions and cleanup policy from {@link Topic}. */
  public void createTopic(Topic topic) {
    createTopic(topic, topic.partitions());
  }

  /** Creates one of the project's topics with {@code partitions} partitions and its cleanup policy. */
  public void createTopic(Topic topic, int partitions) {
    createTopic(topic.topicName(), partitions, topic.compacted());
  }

  /** Creates each of the project's topics that does not exist yet, with its defaults from {@link Topic}. */
  public void createMissingTopics() {
    Set<String> existing;
    try (Admin admin = admin()) {
      existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot list topics: " + e.getMessage(), e);
    }
    for (Topic topic : Topic.values()) {
      if (!existing.contains(topic.topicName())) {
        createTopic(topic);
      }
    }
  }

  /** Shuts the broker down and deletes a temporary log directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      if (deleteLogDir) {
        deleteRecursively(logDir);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
