package io.vibstream.cli;

import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.schemas.ActionEvent;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The benches' view of a job's output: committed events and when the job emitted them. */
final class BenchEvents {
  private BenchEvents() {}

  /** A read_committed consumer of {@code topic} from the start, in a group of its own. */
  static KafkaConsumer<String, ActionEvent> committedReader(String bootstrap, String topic) {
    KafkaConsumer<String, ActionEvent> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
        new AvroDeserializer<>(ActionEvent.class));
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  /** When the job emitted {@code e} (epoch ms): its window's last capture time plus its latency. */
  static long emittedMs(ActionEvent e) {
    return e.getWindowEnd().toEpochMilli() + e.getLatencyMs();
  }
}
