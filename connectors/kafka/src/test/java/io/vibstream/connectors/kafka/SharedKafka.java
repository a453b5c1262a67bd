package io.vibstream.connectors.kafka;

import java.io.IOException;

/** One embedded broker for the whole test JVM (start-up costs seconds); closed at JVM exit. */
public final class SharedKafka {
  private static EmbeddedKafka kafka;

  private SharedKafka() {}

  /** The broker, started on first use. */
  public static synchronized EmbeddedKafka get() throws IOException {
    if (kafka == null) {
      kafka = EmbeddedKafka.start();
      EmbeddedKafka k = kafka;
      Runtime.getRuntime().addShutdownHook(new Thread(k::close, "embedded-kafka-shutdown"));
    }
    return kafka;
  }
}
