package io.vibstream.connectors.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * The TLS and SASL settings that every Kafka client of the project (producers, consumers, admin
 * clients, the Flink jobs' sources and sinks) adds to its own configuration: one Java properties
 * file in Kafka's own names ({@code security.protocol}, {@code ssl.*}, {@code sasl.*}), named by
 * {@code --kafka-config FILE}.
 *
 * <p>The file holds only those keys. Everything else (bootstrap servers, serializers, group and
 * transactional ids, isolation level, acks, idempotence, timeouts) each client sets itself, so a
 * file naming such a key is refused instead of one side silently winning; a key Kafka's clients
 * do not know (a typo) is refused too. Values are checked against Kafka's own config definitions,
 * {@code ssl.*} keys need {@code security.protocol} SSL or SASL_SSL, {@code sasl.*} keys SASL_SSL
 * or SASL_PLAINTEXT, and key and trust store locations must be absolute paths of readable files
 * (a Flink job's TaskManagers open them at the same path). Every failure is an
 * {@link IllegalArgumentException} with a one-line message naming the file; no value (passwords)
 * ever appears in a message or in {@link #toString()}.
 */
public final class KafkaClientConfig {
  /** No settings: plaintext, unauthenticated clients (the embedded broker's default). */
  public static final KafkaClientConfig NONE = new KafkaClientConfig(Map.of(), "no --kafka-config");

  private static final List<String> PREFIXES = List.of("ssl.", "sasl.");
  private static final List<String> FILE_KEYS = List.of(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
      SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
  private static final Set<String> CLIENT_KEYS = clientKeys();

  private final Map<String, String> settings;
  private final String source;

  private KafkaClientConfig(Map<String, String> settings, String source) {
    this.settings = Collections.unmodifiableMap(new TreeMap<>(settings));
    this.source = source;
  }

  /** The largest properties file read: a few settings, far below this. */
  private static final long MAX_FILE_BYTES = 1 << 20;

  /**
   * Reads and checks a properties file.
   *
   * @throws IllegalArgumentException (one line) when the file is missing or unreadable, or a key or value is refused
   */
  public static KafkaClientConfig load(Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(file + ": a directory, not a properties file");
    }
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": not a regular file (a device or a pipe), not a properties file");
    }
    try {
      if (Files.exists(file) && Files.size(file) > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(file + ": larger than " + MAX_FILE_BYTES + " bytes, not a client "
            + "properties file");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read it (" + String.valueOf(e.getMessage()) + ")");
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in); // ISO 8859-1 with backslash-u escapes, as Kafka's own tools read such files
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(file + ": not readable (permission denied)");
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": cannot read it as a properties file ("
          + String.valueOf(e.getMessage()).replace('\n', ' ') + ")");
    }
    Map<String, String> settings = new HashMap<>();
    p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k).strip()));
    return of(settings, file.toString());
  }

  /**
   * Checks settings given in code.
   *
   * @param source what to name in messages, e.g. the file
   * @throws IllegalArgumentException (one line) when a key or value is refused
   */
  public static KafkaClientConfig of(Map<String, String> settings, String source) {
    for (String key : new TreeSet<>(settings.keySet())) {
      if (!isSecurityKey(key)) {
        throw new IllegalArgumentException(source + ": '" + key + "' is not a TLS or SASL setting; the file takes "
            + "security.protocol, ssl.* and sasl.* only (VIBStream sets every other client setting itself)");
      }
      if (!CLIENT_KEYS.contains(key)) {
        throw new IllegalArgumentException(source + ": '" + key + "' is not a Kafka client setting");
      }
      if (settings.get(key).isEmpty()) {
        throw new IllegalArgumentException(source + ": '" + key + "' is empty");
      }
    }
    SecurityProtocol protocol = protocol(settings, source);
    boolean tls = protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
    boolean sasl = protocol == SecurityProtocol.SASL_SSL || protocol == SecurityProtocol.SASL_PLAINTEXT;
    for (String key : new TreeSet<>(settings.keySet())) {
      if ((key.startsWith("ssl.") && !tls) || (key.startsWith("sasl.") && !sasl)) {
        throw new IllegalArgumentException(source + ": '" + key + "' has no effect with security.protocol="
            + protocol.name + " (ssl.* needs SSL or SASL_SSL, sasl.* needs SASL_SSL or SASL_PLAINTEXT)");
      }
    }
    Map<String, Object> parsed = new HashMap<>(settings);
    parsed.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    try {
      AdminClientConfig.configDef().parse(parsed);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage().replace('\n', ' '));
    }
    for (String key : FILE_KEYS) {
      String location = settings.get(key);
      if (location != null) {
        requireReadable(Path.of(location), key, source);
      }
    }
    return new KafkaClientConfig(settings, source);
  }

  private static SecurityProtocol protocol(Map<String, String> settings, String source) {
    String name = settings.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.PLAINTEXT.name);
    try {
      return SecurityProtocol.forName(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": unknown security.protocol '" + name + "', expected one of "
          + SecurityProtocol.names());
    }
  }

  private static void requireReadable(Path location, String key, String source) {
    if (!location.isAbsolute()) {
      throw new IllegalArgumentException(source + ": " + key + " must be an absolute path (a Flink job's "
          + "TaskManagers open it too), got '" + location + "'");
    }
    if (!Files.isRegularFile(location) || !Files.isReadable(location)) {
      throw new IllegalArgumentException(source + ": " + key + " " + location
          + (Files.exists(location) ? " is not a readable file" : ": no such file"));
    }
  }

  private static boolean isSecurityKey(String key) {
    return key.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG) || PREFIXES.stream().anyMatch(key::startsWith);
  }

  private static Set<String> clientKeys() {
    Set<String> keys = new TreeSet<>(ProducerConfig.configNames());
    keys.addAll(ConsumerConfig.configNames());
    keys.addAll(AdminClientConfig.configNames());
    return Collections.unmodifiableSet(keys);
  }

  /** The settings, sorted by key. */
  public Map<String, String> settings() {
    return settings;
  }

  /** True when there are no settings (plaintext, unauthenticated). */
  public boolean isEmpty() {
    return settings.isEmpty();
  }

  /** A client's own configuration with these settings added (a new map; the keys never overlap). */
  public Map<String, Object> merge(Map<String, ?> config) {
    Map<String, Object> merged = new HashMap<>(config);
    merged.putAll(settings);
    return merged;
  }

  /** The source and the keys, never the values. */
  @Override
  public String toString() {
    return "KafkaClientConfig[" + source + ", keys " + settings.keySet() + "]";
  }
}
