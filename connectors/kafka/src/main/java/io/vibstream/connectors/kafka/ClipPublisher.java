package io.vibstream.connectors.kafka;

import io.vibstream.schemas.LabeledClip;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes labeled clips for the retrain job: keyed by camera id, idempotent with acks=all, and
 * waits until every clip is written, so a caller that returns has its clips on the topic.
 */
public final class ClipPublisher {
  private ClipPublisher() {}

  /** Publishes {@code clips} to {@code topic} and waits for every acknowledgement. */
  public static void publish(String bootstrap, KafkaClientConfig client, String topic, List<LabeledClip> clips)
      throws Exception {
    Map<String, Object> config = client.merge(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000));
    try (KafkaProducer<String, LabeledClip> producer = new KafkaProducer<>(config, new StringSerializer(),
        new AvroSerializer<>())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (LabeledClip clip : clips) {
        sent.add(producer.send(new ProducerRecord<>(topic, clip.getCameraId(), clip)));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
    }
  }
}
