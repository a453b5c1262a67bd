package io.vibstream.flink.job;

import io.vibstream.connectors.kafka.KafkaClientConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The jobs' Kafka sinks, all alike: EXACTLY_ONCE, transactions of {@value #TRANSACTION_TIMEOUT_MS} ms
 * under a transactional id prefix unique per job and sink, the client's TLS and SASL settings as
 * producer properties. What they write is visible to consumers reading with
 * {@code isolation.level=read_committed} once a checkpoint completes.
 */
public final class ExactlyOnceSink {
  /** Transaction timeout of the sinks (below the broker's maximum). */
  public static final String TRANSACTION_TIMEOUT_MS = "60000";

  private ExactlyOnceSink() {}

  /**
   * A sink writing {@code records} to {@code bootstrapServers} in transactions with ids prefixed
   * {@code transactionalIdPrefix}; {@code maxRequestBytes} above 0 raises the producer's
   * {@code max.request.size} (for records above Kafka's 1 MiB default), 0 keeps the default.
   */
  public static <T> KafkaSink<T> of(String bootstrapServers, KafkaClientConfig client, String transactionalIdPrefix,
      KafkaRecordSerializationSchema<T> records, int maxRequestBytes) {
    KafkaSinkBuilder<T> sink = KafkaSink.<T>builder();
    client.settings().forEach(sink::setProperty);
    sink.setBootstrapServers(bootstrapServers)
        .setRecordSerializer(records)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(transactionalIdPrefix)
        .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
    if (maxRequestBytes > 0) {
      sink.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRequestBytes));
    }
    return sink.build();
  }
}
