package io.vibstream.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.schemas.LabeledClip;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

class ClipPublisherTest {
  @Test
  void everyClipIsOnTheTopicKeyedByItsCameraWhenPublishReturns() throws Exception {
    EmbeddedKafka kafka = SharedKafka.get();
    kafka.createTopic("clips-published", 2, false);
    List<LabeledClip> clips = List.of(clip("cam-a", "walk", 1f), clip("cam-b", "run", 2f), clip("cam-a", "idle", 3f));

    ClipPublisher.publish(kafka.bootstrapServers(), KafkaClientConfig.NONE, "clips-published", clips);

    List<ConsumerRecord<String, LabeledClip>> read = new ArrayList<>();
    try (KafkaConsumer<String, LabeledClip> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "clip-publisher-test",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
        new AvroDeserializer<>(LabeledClip.class))) {
      consumer.subscribe(List.of("clips-published"));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (read.size() < clips.size() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(read::add);
      }
    }
    assertThat(read).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("cam-a", "cam-b", "cam-a");
    assertThat(read).allSatisfy(r -> assertThat(r.value().getCameraId()).isEqualTo(r.key()));
    assertThat(read.stream().filter(r -> r.key().equals("cam-a")).map(r -> r.value().getLabel()))
        .as("one camera's clips in publishing order").containsExactly("walk", "idle");
    assertThat(read).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(clips);
  }

  private static LabeledClip clip(String camera, String label, float value) {
    Instant t = Instant.ofEpochMilli(1_700_000_000_000L);
    return LabeledClip.newBuilder().setCameraId(camera).setStartTimestamp(t).setEndTimestamp(t).setLabel(label)
        .setFeatureDim(2).setFeatures(List.of(value, -value, value, -value)).setFrames(null).setBackboneId("net")
        .build();
  }
}
