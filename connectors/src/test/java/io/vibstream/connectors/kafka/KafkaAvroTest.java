package io.vibstream.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import io.vibstream.schemas.LabelScore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaAvroTest {
  static EmbeddedKafka kafka;

  @BeforeAll
  static void start() throws Exception {
    kafka = SharedKafka.get();
  }

  static Frame frame(String camera, long seq) {
    return Frame.newBuilder()
        .setCameraId(camera)
        .setSequenceNumber(seq)
        .setCaptureTimestamp(Instant.ofEpochMilli(1_700_000_000_000L + seq * 40))
        .setWidth(2)
        .setHeight(1)
        .setEncoding(ImageEncoding.RAW_BGR)
        .setImage(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, (byte) seq}))
        .setGroundTruthLabel(seq % 2 == 0 ? "walk" : null)
        .build();
  }

  @Test
  void roundTripsAndRejectsForeignBytesNamingTheTopic() {
    AvroSerde<Frame> serde = AvroSerde.of(Frame.class);
    byte[] bytes = serde.serializer().serialize("frames", frame("cam", 4));
    assertThat(bytes[0]).isEqualTo(AvroSerde.FORMAT_V1);
    assertThat(serde.deserializer().deserialize("frames", bytes)).isEqualTo(frame("cam", 4));
    assertThat(serde.deserializer().deserialize("frames", null)).isNull();

    byte[] wrongMarker = bytes.clone();
    wrongMarker[0] = 0;
    assertThatThrownBy(() -> serde.deserializer().deserialize("frames", wrongMarker))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic 'frames'")
        .hasMessageContaining("format byte 0x00");
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 4);
    assertThatThrownBy(() -> serde.deserializer().deserialize("frames", truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("cannot deserialize Frame from topic 'frames'");
    ActionEvent event = ActionEvent.newBuilder().setCameraId("c").setWindowStart(Instant.EPOCH)
        .setWindowEnd(Instant.EPOCH).setFirstSequenceNumber(0).setLastSequenceNumber(9).setLabel("run")
        .setConfidence(0.9f).setTopK(List.of(new LabelScore("run", 0.9f))).setModelVersion(3).setLatencyMs(12).build();
    byte[] eventBytes = AvroSerde.of(ActionEvent.class).serializer().serialize("events", event);
    assertThat(AvroSerde.of(ActionEvent.class).deserializer().deserialize("events", eventBytes)).isEqualTo(event);
    assertThatThrownBy(() -> serde.deserializer().deserialize("events", eventBytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic 'events'");
  }

  @Test
  void transactionalProducerToReadCommittedConsumer() {
    kafka.createTopic("tx-frames", 2, false);
    Map<String, Object> producerConfig = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-test",
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
    try (KafkaProducer<String, Frame> producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new AvroSerializer<>())) {
      producer.initTransactions();
      producer.beginTransaction();
      for (long i = 0; i < 5; i++) {
        producer.send(new ProducerRecord<>("tx-frames", "cam-a", frame("cam-a", i)));
      }
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("tx-frames", "cam-a", frame("cam-a", 99)));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("tx-frames", "cam-b", frame("cam-b", 0)));
      producer.commitTransaction();
    }

    Map<String, Object> consumerConfig = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "tx-reader",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        AvroDeserializer.VALUE_TYPE_CONFIG, Frame.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class.getName(),
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<Frame> got = new ArrayList<>();
    try (KafkaConsumer<String, Frame> consumer = new KafkaConsumer<>(consumerConfig)) {
      consumer.subscribe(List.of("tx-frames"));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (got.size() < 6 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, Frame> r : consumer.poll(Duration.ofMillis(200))) {
          assertThat(r.key()).isEqualTo(r.value().getCameraId());
          got.add(r.value());
        }
      }
    }
    assertThat(got).hasSize(6);
    assertThat(got).filteredOn(f -> f.getCameraId().equals("cam-a")).extracting(Frame::getSequenceNumber)
        .containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(got).extracting(Frame::getSequenceNumber).doesNotContain(99L);
    assertThat(got).contains(frame("cam-b", 0));
  }
}
