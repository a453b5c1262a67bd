package io.vibstream.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Loading and checking the {@code --kafka-config} file: what is taken, and the one-line refusals. */
class KafkaClientConfigTest {
  @TempDir
  Path dir;

  @Test
  void takesSaslSslWithScramAndAddsItToAClientsOwnSettings() throws IOException {
    Path trust = store("truststore.p12");
    Path file = write("client.properties", """
        # the camera's credentials
        security.protocol=SASL_SSL
        sasl.mechanism=SCRAM-SHA-512
        sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\
            username="camera-1" password="s3cret-pass";
        ssl.truststore.location=%s
        ssl.truststore.type=PKCS12
        ssl.truststore.password=trust-pass
        """.formatted(trust));

    KafkaClientConfig config = KafkaClientConfig.load(file);

    assertThat(config.settings()).containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("ssl.truststore.location", trust.toString())
        .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"camera-1\" password=\"s3cret-pass\";")
        .hasSize(6);
    Map<String, Object> client = config.merge(Map.of("bootstrap.servers", "127.0.0.1:9093", "acks", "all"));
    assertThat(client).containsEntry("bootstrap.servers", "127.0.0.1:9093").containsEntry("acks", "all")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512").hasSize(8);
    assertThat(config.toString()).contains(file.toString(), "sasl.jaas.config")
        .doesNotContain("s3cret-pass", "trust-pass");
  }

  @Test
  void takesMutualTls() throws IOException {
    Path file = write("mtls.properties", """
        security.protocol=SSL
        ssl.keystore.location=%s
        ssl.keystore.type=PKCS12
        ssl.keystore.password=key-pass
        ssl.key.password=key-pass
        ssl.truststore.location=%s
        ssl.truststore.password=trust-pass
        """.formatted(store("camera-1.p12"), store("truststore.p12")));

    assertThat(KafkaClientConfig.load(file).settings()).containsKeys("ssl.keystore.location", "ssl.key.password")
        .containsEntry("security.protocol", "SSL");
  }

  @Test
  void noSettingsMeansPlaintextAndChangesNothing() {
    assertThat(KafkaClientConfig.NONE.isEmpty()).isTrue();
    assertThat(KafkaClientConfig.NONE.merge(Map.of("group.id", "g"))).isEqualTo(Map.of("group.id", "g"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bootstrap.servers=127.0.0.1:1", "key.serializer=x.Y", "value.deserializer=x.Y",
      "transactional.id=mine", "isolation.level=read_uncommitted", "enable.idempotence=false", "group.id=g",
      "acks=0", "auto.offset.reset=latest"})
  void refusesWhatTheProjectSetsItself(String line) throws IOException {
    Path file = write("owned.properties", "security.protocol=SASL_SSL\n" + line + "\n");
    String key = line.substring(0, line.indexOf('='));

    assertRefused(file, file + ": '" + key + "' is not a TLS or SASL setting; the file takes security.protocol, "
        + "ssl.* and sasl.* only (VIBStream sets every other client setting itself)");
  }

  @Test
  void refusesAMissingFileADirectoryAndUnreadableContent() throws IOException {
    Path missing = dir.resolve("nope.properties");
    assertRefused(missing, missing + ": no such file");
    assertRefused(dir, dir + ": a directory, not a properties file");
    Path device = Path.of("/dev/zero");
    assertRefused(device, device + ": not a regular file (a device or a pipe), not a properties file");
    Path huge = write("huge.properties", "#" + "x".repeat(1 << 20) + "\n");
    assertRefused(huge, huge + ": larger than 1048576 bytes, not a client properties file");
    Path broken = write("broken.properties", "sasl.jaas.config=\\u12\n");
    assertThatThrownBy(() -> KafkaClientConfig.load(broken)).hasMessageStartingWith(
        broken + ": cannot read it as a properties file (Malformed \\uxxxx encoding.");
  }

  @Test
  void refusesTyposUnknownProtocolsAndBadValues() throws IOException {
    Path typo = write("typo.properties", "security.protocol=SSL\nssl.truststore.locaton=/x\n");
    assertRefused(typo, typo + ": 'ssl.truststore.locaton' is not a Kafka client setting");
    Path protocol = write("protocol.properties", "security.protocol=TLS\n");
    assertRefused(protocol, protocol + ": unknown security.protocol 'TLS', expected one of "
        + "[PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL]");
    Path number = write("number.properties", "security.protocol=SASL_SSL\nsasl.login.refresh.window.factor=lots\n");
    assertRefused(number, number + ": Invalid value lots for configuration sasl.login.refresh.window.factor: "
        + "Not a number of type DOUBLE");
    Path empty = write("empty.properties", "security.protocol=SASL_SSL\nsasl.mechanism=\n");
    assertRefused(empty, empty + ": 'sasl.mechanism' is empty");
  }

  @Test
  void refusesSettingsTheProtocolWouldIgnore() throws IOException {
    Path sasl = write("sasl.properties", "security.protocol=SSL\nsasl.mechanism=PLAIN\n");
    assertRefused(sasl, sasl + ": 'sasl.mechanism' has no effect with security.protocol=SSL (ssl.* needs SSL or "
        + "SASL_SSL, sasl.* needs SASL_SSL or SASL_PLAINTEXT)");
    Path tls = write("tls.properties", "sasl.mechanism=PLAIN\nssl.truststore.password=x\n"
        + "security.protocol=SASL_PLAINTEXT\n");
    assertRefused(tls, tls + ": 'ssl.truststore.password' has no effect with security.protocol=SASL_PLAINTEXT "
        + "(ssl.* needs SSL or SASL_SSL, sasl.* needs SASL_SSL or SASL_PLAINTEXT)");
  }

  @Test
  void storesMustBeReadableFilesAtAbsolutePaths() throws IOException {
    Path relative = write("relative.properties", "security.protocol=SSL\nssl.truststore.location=truststore.p12\n");
    assertRefused(relative, relative + ": ssl.truststore.location must be an absolute path (a Flink job's "
        + "TaskManagers open it too), got 'truststore.p12'");
    Path gone = dir.resolve("gone.p12");
    Path missing = write("missing.properties", "security.protocol=SSL\nssl.keystore.location=" + gone + "\n");
    assertRefused(missing, missing + ": ssl.keystore.location " + gone + ": no such file");
    Path folder = write("folder.properties", "security.protocol=SSL\nssl.keystore.location=" + dir + "\n");
    assertRefused(folder, folder + ": ssl.keystore.location " + dir + " is not a readable file");
  }

  private static void assertRefused(Path file, String message) {
    assertThatThrownBy(() -> KafkaClientConfig.load(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message).hasMessageNotContaining("\n");
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private Path store(String name) throws IOException {
    return Files.write(dir.resolve(name), new byte[] {1, 2, 3});
  }
}
