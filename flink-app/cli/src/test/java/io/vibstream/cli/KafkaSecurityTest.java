package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.kafka.KafkaClientConfig;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.flink.functions.MeanColorExtractor;
import io.vibstream.flink.functions.TestModels;
import io.vibstream.flink.job.ActionRecognitionJob;
import io.vibstream.flink.job.KafkaTestJobs;
import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.local.LocalStack;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.ReleaseStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, a hostile world: the embedded broker with TLS, SASL/SCRAM-SHA-512 and ACLs
 * (StandardAuthorizer; users and ACLs made through the Admin API, as docs/security.md lists them),
 * and every client given its credentials the way users give them, a {@code --kafka-config} file.
 * Plaintext, untrusted-certificate and wrong-password clients are refused; the camera principal
 * writes frames and nothing else; only the models publisher can publish a release; and with
 * proper credentials the whole chain works: {@code models publish} through the CLI, the job (on a
 * MiniCluster, exactly-once transactional sinks) reading frames from {@code vibstream camera},
 * its events read back with {@code vibstream tail}.
 */
class KafkaSecurityTest {
  private static final int CLIP = 8;
  private static final int STRIDE = 2;
  private static final int FRAMES = 24;
  private static final long MODEL_VERSION = 5;
  private static final String CAMERA = "cam-0";
  private static final String JOB_IDS = "vibstream-actions"; // the job's default group and transactional id prefix
  private static final String PUBLISH_IDS = "vibstream-models-publish-";

  @TempDir
  static Path dir;
  @AutoClose
  private static LocalStack stack;
  private static EmbeddedKafka kafka;
  /** The --kafka-config file of each principal. */
  private static final Map<String, Path> CONFIGS = new LinkedHashMap<>();

  @BeforeAll
  static void securedBroker() throws Exception {
    SelfSignedTls tls = SelfSignedTls.create(dir, secret());
    Configuration flink = new Configuration();
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // an authorization failure fails the test at once
    stack = LocalStack.start(LocalStack.Settings.of(2).withPartitions(1).withFlink(flink).withSecurity(
        new EmbeddedKafka.Security(tls.keyStore(), tls.password(), tls.trustStore(), tls.password(), secret())));
    kafka = stack.kafka();

    Map<String, String> passwords = new LinkedHashMap<>();
    for (String user : List.of("camera", "job", "publisher", "reader")) {
      passwords.put(user, secret());
    }
    List<AclBinding> acls = new ArrayList<>();
    acls.add(allow("camera", ResourceType.TOPIC, Topic.FRAMES.topicName(), AclOperation.WRITE));
    for (String topic : List.of(Topic.FRAMES.topicName(), Topic.MODELS.topicName())) {
      acls.add(allow("job", ResourceType.TOPIC, topic, AclOperation.READ));
    }
    for (String topic : List.of(Topic.EVENTS.topicName(), Topic.FRAMES_DEAD_LETTER.topicName(),
        Topic.MODEL_STATUS.topicName())) {
      acls.add(allow("job", ResourceType.TOPIC, topic, AclOperation.WRITE));
    }
    acls.add(allowPrefixed("job", ResourceType.GROUP, JOB_IDS, AclOperation.READ));
    acls.add(allowPrefixed("job", ResourceType.TRANSACTIONAL_ID, JOB_IDS, AclOperation.WRITE));
    acls.add(allow("publisher", ResourceType.TOPIC, Topic.MODELS.topicName(), AclOperation.READ));
    acls.add(allow("publisher", ResourceType.TOPIC, Topic.MODELS.topicName(), AclOperation.WRITE));
    acls.add(allowPrefixed("publisher", ResourceType.TRANSACTIONAL_ID, PUBLISH_IDS, AclOperation.WRITE));
    for (String topic : List.of(Topic.EVENTS.topicName(), Topic.MODELS.topicName(), Topic.MODEL_STATUS.topicName())) {
      acls.add(allow("reader", ResourceType.TOPIC, topic, AclOperation.READ));
    }
    try (Admin admin = kafka.admin()) {
      List<UserScramCredentialAlteration> users = new ArrayList<>();
      passwords.forEach((user, password) -> users.add(new UserScramCredentialUpsertion(user,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)));
      admin.alterUserScramCredentials(users).all().get();
      awaitTrue(() -> admin.describeUserScramCredentials().users().get().containsAll(passwords.keySet()));
      admin.createAcls(acls).all().get();
      awaitTrue(() -> admin.describeAcls(AclBindingFilter.ANY).values().get().size() == acls.size());
    }

    passwords.forEach((user, password) -> CONFIGS.put(user, clientConfig(user, user, password, tls)));
    CONFIGS.put("wrong password", clientConfig("wrong-password", "camera", "not-" + passwords.get("camera"), tls));
    CONFIGS.put("untrusted", Files.writeString(dir.resolve("untrusted.properties"), scram("camera",
        passwords.get("camera")))); // no trust store: the JDK's default CAs do not know the broker's certificate
  }

  @Test
  void plaintextUntrustedAndWrongPasswordClientsAreRefused() throws Exception {
    Cli plaintext = Cli.run("tail", Topic.EVENTS.topicName(), "--bootstrap", kafka.bootstrapServers(), "--timeout-ms",
        "3000");
    assertThat(plaintext.exitCode()).isEqualTo(1);
    assertThat(plaintext.err().strip()).isEqualTo("vibstream: error: cannot reach Kafka at "
        + kafka.bootstrapServers() + " within 3000 ms");

    Cli untrusted = tail("untrusted", Topic.EVENTS.topicName());
    assertThat(untrusted.exitCode()).isEqualTo(1);
    assertThat(untrusted.err()).startsWith("vibstream: error: SSL handshake failed").hasLineCount(1);

    Cli wrongPassword = tail("wrong password", Topic.EVENTS.topicName());
    assertThat(wrongPassword.exitCode()).isEqualTo(1);
    assertThat(wrongPassword.err()).contains("Authentication failed during authentication due to invalid "
        + "credentials with SASL mechanism SCRAM-SHA-512").hasLineCount(1);

    Cli publish = Cli.run("models", "publish", refusedModel().toString(), "--bootstrap", kafka.bootstrapServers(),
        "--kafka-config", CONFIGS.get("wrong password").toString());
    assertThat(publish.exitCode()).isEqualTo(1);
    assertThat(publish.err()).contains("Authentication failed");
  }

  @Test
  void everyCommandThatTalksToKafkaTakesTheFileAndNamesWhatIsWrongInOneLine() throws Exception {
    Path missing = dir.resolve("missing.properties");
    Path owned = Files.writeString(dir.resolve("owned.properties"), "security.protocol=SASL_SSL\n"
        + "transactional.id=mine\n");
    for (List<String> command : List.of(List.of("camera"), List.of("tail", "events"), List.of("models", "publish"),
        List.of("models", "list"), List.of("models", "rollback"), List.of("label"), List.of("retrain"),
        List.of("job"))) {
      List<String> args = new ArrayList<>(command);
      args.addAll(List.of("--kafka-config", missing.toString()));
      Cli run = Cli.run(args.toArray(String[]::new));
      assertThat(run.exitCode()).as("%s", command).isEqualTo(2);
      assertThat(run.err()).as("%s", command).hasLineCount(1).startsWith("vibstream: Invalid value for option "
          + "'--kafka-config': " + missing + ": no such file (see 'vibstream " + String.join(" ", command.subList(0,
          command.get(0).equals("models") ? 2 : 1)) + " --help')");
    }
    Cli refused = Cli.run("tail", "events", "--bootstrap", kafka.bootstrapServers(), "--kafka-config",
        owned.toString());
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).contains(owned + ": 'transactional.id' is not a TLS or SASL setting").hasLineCount(1);
  }

  @Test
  void theCameraWritesFramesAndNothingElse() throws Exception {
    KafkaClientConfig camera = KafkaClientConfig.load(CONFIGS.get("camera"));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(camera.merge(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000)), new ByteArraySerializer(), new ByteArraySerializer())) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topic.MODELS.topicName(), new byte[] {1})).get())
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class)
          .hasMessageContaining("Not authorized to access topics: [models]");
    }
    Cli read = tail("camera", Topic.FRAMES.topicName());
    assertThat(read.exitCode()).isEqualTo(1);
    assertThat(read.err().strip()).isEqualTo("vibstream: error: Not authorized to access topics: [frames]");
  }

  @Test
  void onlyTheModelsPublisherCanPublishARelease() throws Exception {
    Path model = refusedModel();
    for (String principal : List.of("camera", "reader")) {
      Cli publish = Cli.run("models", "publish", model.toString(), "--version", "99", "--bootstrap",
          kafka.bootstrapServers(), "--kafka-config", CONFIGS.get(principal).toString());
      assertThat(publish.exitCode()).as(principal).isEqualTo(1);
      assertThat(publish.err()).as(principal).hasLineCount(1)
          .contains(principal.equals("camera") ? "Not authorized to access topics: [models]"
              : "Transactional Id authorization failed");
    }
    Cli list = Cli.run("models", "list", "--bootstrap", kafka.bootstrapServers(), "--kafka-config",
        CONFIGS.get("reader").toString());
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out()).doesNotContainPattern("(?m)^[* ]\\s+99 ");
  }

  @Test
  @Timeout(120)
  void withProperCredentialsTheCameraTheJobAndTheReadersWork() throws Exception {
    Path model = dir.resolve("model.vib");
    Files.write(model, TestModels.artifact(MODEL_VERSION, MeanColorExtractor.ID, MeanColorExtractor.DIMENSION, CLIP,
        3));
    Cli publish = Cli.run("models", "publish", model.toString(), "--bootstrap", kafka.bootstrapServers(),
        "--kafka-config", CONFIGS.get("publisher").toString());
    assertThat(publish.exitCode()).as(publish.err()).isZero();
    assertThat(publish.out()).contains("published model version " + MODEL_VERSION + " ");

    StreamExecutionEnvironment env = KafkaTestJobs.environment(stack);
    ActionRecognitionJob.Settings config = KafkaTestJobs.config(2, Duration.ofMillis(50), STRIDE);
    KafkaWiring.of(kafka.bootstrapServers()).withClient(KafkaClientConfig.load(CONFIGS.get("job")))
        .job(config).backbone(MeanColorExtractor.factory()).build(env);
    JobClient job = stack.flink().executeAsync(env, "secured action recognition");
    try {
      List<ModelStatus> status = readCommitted("reader", Topic.MODEL_STATUS.topicName(), ModelStatus.class, 2,
          s -> true);
      assertThat(status).hasSize(2).extracting(ModelStatus::getStatus).containsOnly(ReleaseStatus.ACCEPTED);

      Cli camera = Cli.run("camera", "--url", "synth://" + CAMERA + "?seed=1&fps=25&size=32x32&script=walk:1,wave:1"
          + "&loop=false", "--camera-id", CAMERA, "--bootstrap", kafka.bootstrapServers(), "--kafka-config",
          CONFIGS.get("camera").toString(), "--max-frames", Integer.toString(FRAMES), "--realtime",
          "--encoder", "imageio");
      assertThat(camera.exitCode()).as(camera.err()).isZero();
      assertThat(camera.lastLine()).isEqualTo("captured=" + FRAMES + " published=" + FRAMES
          + " dropped=0 failed=0 corrupt=0");

      List<Long> firsts = LongStream.iterate(0, f -> f + CLIP <= FRAMES, f -> f + STRIDE).boxed().toList();
      List<ActionEvent> events = readCommitted("reader", Topic.EVENTS.topicName(), ActionEvent.class, firsts.size(),
          e -> e.getCameraId().equals(CAMERA));
      assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
      assertThat(events).extracting(ActionEvent::getFirstSequenceNumber).containsExactlyElementsOf(firsts);
      assertThat(events).extracting(ActionEvent::getModelVersion).containsOnly(MODEL_VERSION);

      Cli tail = Cli.run("tail", Topic.EVENTS.topicName(), "--bootstrap", kafka.bootstrapServers(), "--kafka-config",
          CONFIGS.get("reader").toString(), "--max", Integer.toString(firsts.size()));
      assertThat(tail.exitCode()).as(tail.err()).isZero();
      assertThat(tail.out().strip().split("\n")).hasSize(firsts.size())
          .allSatisfy(line -> assertThat(line).contains("\"cameraId\":\"" + CAMERA + "\""));
    } finally {
      job.cancel().get();
    }
  }

  private static Path refusedModel() throws java.io.IOException {
    return Files.write(dir.resolve("refused.vib"),
        TestModels.artifact(1, MeanColorExtractor.ID, MeanColorExtractor.DIMENSION, CLIP, 3));
  }

  private static Cli tail(String principal, String topic) {
    return Cli.run("tail", topic, "--bootstrap", kafka.bootstrapServers(), "--kafka-config",
        CONFIGS.get(principal).toString(), "--max", "1", "--timeout-ms", "10000");
  }

  /**
   * The committed records of {@code topic} that {@code which} accepts, read as {@code principal},
   * once {@code count} arrived and a further poll brought no more (a duplicate would show), or
   * what came within 60 s.
   */
  private static <T extends org.apache.avro.specific.SpecificRecord> List<T> readCommitted(String principal,
      String topic, Class<T> type, int count, Predicate<T> which) {
    List<T> out = new ArrayList<>();
    Map<String, Object> config = KafkaClientConfig.load(CONFIGS.get(principal)).merge(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")); // no group: the reader has no group ACL
    try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        new AvroDeserializer<>(type))) {
      consumer.assign(List.of(new org.apache.kafka.common.TopicPartition(topic, 0)));
      consumer.seekToBeginning(consumer.assignment());
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (out.size() < count && System.nanoTime() < end) {
        for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(500))) {
          if (which.test(r.value())) {
            out.add(r.value());
          }
        }
      }
      for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofSeconds(2))) {
        if (which.test(r.value())) {
          out.add(r.value());
        }
      }
    }
    return out;
  }

  private static Path clientConfig(String name, String user, String password, SelfSignedTls tls) {
    try {
      return Files.writeString(dir.resolve(name + ".properties"), scram(user, password) + """
          ssl.truststore.location=%s
          ssl.truststore.type=PKCS12
          ssl.truststore.password=%s
          """.formatted(tls.trustStore(), tls.password()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String scram(String user, String password) {
    return """
        security.protocol=SASL_SSL
        sasl.mechanism=SCRAM-SHA-512
        sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\
            username="%s" password="%s";
        """.formatted(user, password);
  }

  private static AclBinding allow(String user, ResourceType type, String name, AclOperation operation) {
    return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
        new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
  }

  private static AclBinding allowPrefixed(String user, ResourceType type, String prefix, AclOperation operation) {
    return new AclBinding(new ResourcePattern(type, prefix, PatternType.PREFIXED),
        new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
  }

  private static String secret() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /** Polls until {@code condition} holds (metadata changes reach the broker's caches asynchronously). */
  private static void awaitTrue(Check condition) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("the broker did not apply the users and ACLs within 30 s");
      }
      Thread.sleep(50);
    }
  }

  @FunctionalInterface
  private interface Check {
    boolean holds() throws Exception;
  }
}
