package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TailCommandTest {
  @AutoClose
  static EmbeddedKafka kafka;

  @BeforeAll
  static void broker() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createMissingTopics();
  }

  @Test
  void printsCommittedRecordsAsJsonLinesAndSkipsAborted() throws Exception {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tail-test");
    try (KafkaProducer<String, Frame> producer = new KafkaProducer<>(config, new StringSerializer(),
        new AvroSerializer<Frame>())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("frames", "cam-1", frame("cam-1", 1)));
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("frames", "cam-1", frame("cam-1", 2)));
      producer.commitTransaction();
    }
    Cli tail = Cli.run("tail", "frames", "--bootstrap", kafka.bootstrapServers(), "--max", "1");
    assertThat(tail.exitCode()).as(tail.err()).isZero();
    JsonNode line = new ObjectMapper().readTree(tail.lastLine());
    assertThat(line.get("key").asText()).isEqualTo("cam-1");
    assertThat(line.get("value").get("sequenceNumber").asLong()).as("the aborted record is not read").isEqualTo(2);
    assertThat(line.get("value").get("image").asText()).isEqualTo("<3 bytes>");
    assertThat(line.get("value").get("encoding").asText()).isEqualTo("JPEG");
    assertThat(line.get("value").get("groundTruthLabel").asText()).isEqualTo("wave");
  }

  @Test
  void deadLettersPrintTheirHeadersAndValuesThatAreNotRecords() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
      RecordHeaders headers = new RecordHeaders();
      headers.add(KafkaWiring.CODE_HEADER, "not_avro".getBytes(StandardCharsets.UTF_8));
      headers.add(KafkaWiring.OFFSET_HEADER, "41".getBytes(StandardCharsets.UTF_8));
      producer.send(new ProducerRecord<>(Topic.FRAMES_DEAD_LETTER.topicName(), null, null,
          "cam-1".getBytes(StandardCharsets.UTF_8),
          new byte[] {2, (byte) 0xff, 0}, headers)).get();
    }
    Cli tail = Cli.run("tail", Topic.FRAMES_DEAD_LETTER.topicName(), "--bootstrap", kafka.bootstrapServers(),
        "--max", "1");
    assertThat(tail.exitCode()).as(tail.err()).isZero();
    JsonNode line = new ObjectMapper().readTree(tail.lastLine());
    assertThat(line.get("key").asText()).isEqualTo("cam-1");
    assertThat(line.get("value").asText()).startsWith("<3 bytes, not a Frame: ");
    assertThat(line.get("headers").get(KafkaWiring.CODE_HEADER).asText()).isEqualTo("not_avro");
    assertThat(line.get("headers").get(KafkaWiring.OFFSET_HEADER).asText()).isEqualTo("41");
  }

  @Test
  void unknownTopicsAndTypesSayWhatIsWrongInOneLine() {
    Cli missing = Cli.run("tail", "nope", "--bootstrap", kafka.bootstrapServers(), "--type", "Frame",
        "--timeout-ms", "3000");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err().strip()).contains("topic 'nope' does not exist").doesNotContain("\n");
    Cli untyped = Cli.run("tail", "whatever", "--bootstrap", kafka.bootstrapServers());
    assertThat(untyped.err().strip()).contains("give --type").doesNotContain("\n");
  }

  private static Frame frame(String camera, long sequence) {
    return Frame.newBuilder().setCameraId(camera).setSequenceNumber(sequence).setCaptureTimestamp(Instant.now())
        .setWidth(1).setHeight(1).setEncoding(ImageEncoding.JPEG).setImage(ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .setGroundTruthLabel("wave").build();
  }
}
