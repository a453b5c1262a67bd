package io.vibstream.local.bench;

import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.schemas.ActionEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The benches' view of a job's output: committed events, when the job emitted them, latency percentiles. */
public final class BenchEvents {
  private BenchEvents() {}

  /** A read_committed consumer of {@code topic} from the start, in a group of its own. */
  public static KafkaConsumer<String, ActionEvent> committedReader(String bootstrap, String topic) {
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
  public static long emittedMs(ActionEvent e) {
    return e.getWindowEnd().toEpochMilli() + e.getLatencyMs();
  }

  /** The {@code p}-th percentile (nearest rank) of {@code values}; 0 when there are none. */
  public static long percentile(List<Long> values, double p) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
