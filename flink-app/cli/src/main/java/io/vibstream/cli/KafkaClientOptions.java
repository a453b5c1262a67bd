package io.vibstream.cli;

import io.vibstream.connectors.kafka.KafkaClientConfig;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --kafka-config FILE}, the option of every command that talks to an external broker: the
 * TLS and SASL settings ({@link KafkaClientConfig}) that each of its Kafka clients adds to its own
 * configuration. A file that is missing, unreadable or refused fails the command line in one line.
 */
final class KafkaClientOptions {
  @Option(names = "--kafka-config", paramLabel = "FILE", converter = Loader.class,
      description = "Kafka client security settings (security.protocol, ssl.*, sasl.*) as a Java properties file "
          + "(default: plaintext, unauthenticated)")
  KafkaClientConfig config = KafkaClientConfig.NONE;

  /** Loads and checks the file. */
  static final class Loader implements ITypeConverter<KafkaClientConfig> {
    @Override
    public KafkaClientConfig convert(String file) {
      try {
        return KafkaClientConfig.load(Path.of(file));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
