package io.vibstream.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import io.vibstream.schemas.LabelScore;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
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
    assertThat(bytes[0]).as("Frame schema version 2 (F32_FEATURES)").isEqualTo((byte) 2);
    assertThat(serde.deserializer().deserialize("frames", bytes)).isEqualTo(frame("cam", 4));
    assertThat(serde.deserializer().deserialize("frames", null)).isNull();

    byte[] wrongMarker = bytes.clone();
    wrongMarker[0] = 0;
    assertThatThrownBy(() -> serde.deserializer().deserialize("frames", wrongMarker))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic 'frames'")
        .hasMessageContaining("unknown schema version byte 0x00");
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

  /** A Frame v1 without groundTruthLabel and encoding; the compiled Frame plays v2. */
  @Test
  void olderVersionsAreResolvedAndNewerOnesRejected() throws Exception {
    Schema current = Frame.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : current.getFields()) {
      if (!f.name().equals("groundTruthLabel") && !f.name().equals("encoding")) {
        fields.add(new Schema.Field(f, f.schema()));
      }
    }
    Schema v1 = Schema.createRecord("Frame", null, "io.vibstream.schemas", false, fields);
    SchemaHistory history = SchemaHistory.of(Map.of("Frame", List.of(v1)));
    assertThat(history.versionOf(current)).isEqualTo(2);

    GenericRecord old = new GenericData.Record(v1);
    old.put("cameraId", "old-cam");
    old.put("sequenceNumber", 3L);
    old.put("captureTimestamp", 1_700_000_000_000L);
    old.put("width", 2);
    old.put("height", 1);
    old.put("image", ByteBuffer.wrap(new byte[] {9}));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1);
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
    encoder.flush();

    Frame read = new AvroDeserializer<>(Frame.class, history).deserialize("frames", out.toByteArray());
    assertThat(read.getCameraId()).isEqualTo("old-cam");
    assertThat(read.getSequenceNumber()).isEqualTo(3L);
    assertThat(read.getEncoding()).isEqualTo(ImageEncoding.JPEG);
    assertThat(read.getGroundTruthLabel()).isNull();

    byte[] v2 = new AvroSerializer<Frame>(history).serialize("frames", frame("new-cam", 1));
    assertThat(v2[0]).isEqualTo((byte) 2);
    assertThat(new AvroDeserializer<>(Frame.class, history).deserialize("frames", v2)).isEqualTo(frame("new-cam", 1));
    // A consumer that only knows the released versions (v1, v2) cannot read data of a newer one: a clear
    // error, not garbage.
    byte[] v3 = new AvroSerializer<Frame>(SchemaHistory.of(Map.of("Frame", List.of(v1, v1, current))))
        .serialize("frames", frame("newer-cam", 1));
    assertThat(v3[0]).isEqualTo((byte) 3);
    assertThatThrownBy(() -> new AvroDeserializer<>(Frame.class).deserialize("frames", v3))
        .isInstanceOf(SerializationException.class)
        .hasMessage("cannot deserialize Frame from topic 'frames': unknown schema version byte 0x03 "
            + "(this reader has Frame v2 and resolves v1-v1); newer producer, or not written by AvroSerializer?");
  }

  @Test
  void theSchemasJarCarriesTheReleasedVersions() {
    for (Schema s : List.of(Frame.getClassSchema(), ActionEvent.getClassSchema(),
        io.vibstream.schemas.ModelRelease.getClassSchema(), io.vibstream.schemas.LabeledClip.getClassSchema(),
        io.vibstream.schemas.ModelStatus.getClassSchema())) {
      assertThat(SchemaHistory.classpath().releases(s.getName())).as(s.getName()).isNotEmpty();
      // The compiled schema is the newest released version.
      assertThat(SchemaHistory.classpath().versionOf(s)).as(s.getName())
          .isEqualTo(SchemaHistory.classpath().releases(s.getName()).size());
    }
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
