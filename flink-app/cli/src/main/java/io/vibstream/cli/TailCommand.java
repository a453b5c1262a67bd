package io.vibstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.LabeledClip;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.RetrainStatus;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream tail}: a topic's Avro records as JSON lines, committed records only; a value
 * that is not a record of the type prints as a one-line note instead of stopping the tail (dead
 * letters hold such values), and the {@code vibstream.*} headers (a dead letter's reason and
 * origin) print under {@code headers}.
 */
@Command(name = "tail", mixinStandardHelpOptions = true, description = {
    "Print a topic's Avro records as JSON lines, from the beginning, reading committed records only",
    "(isolation.level=read_committed). Byte fields (images, model files) print as their length; a value",
    "that is not a record of the type prints as a note; vibstream.* headers (dead letters) print too."})
final class TailCommand implements Callable<Integer> {
  /** Record types by their schema name, for --type. */
  static final Map<String, Class<? extends SpecificRecord>> BY_NAME = Map.of(
      "Frame", Frame.class,
      "ActionEvent", ActionEvent.class,
      "ModelRelease", ModelRelease.class,
      "ModelStatus", ModelStatus.class,
      "LabeledClip", LabeledClip.class,
      "RetrainStatus", RetrainStatus.class);

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TOPIC", description = "topic to read")
  String topic;

  @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers")
  String bootstrap;

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Option(names = "--max", paramLabel = "N", description = "stop after N records (default: follow until Ctrl-C)")
  Long max;

  @Option(names = "--type", paramLabel = "NAME",
      description = "record type: Frame, ActionEvent, ModelRelease, ModelStatus, LabeledClip or RetrainStatus "
          + "(default: by topic name)")
  String type;

  @Option(names = "--timeout-ms", description = "give up when the topic cannot be found within this time (default: ${DEFAULT-VALUE})")
  long timeoutMs = 15_000;

  @Override
  public Integer call() {
    Class<? extends SpecificRecord> recordType = recordType();
    if (max != null && max < 1) {
      throw new IllegalArgumentException("--max must be >= 1, got " + max);
    }
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "vibstream-tail-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper json = new ObjectMapper();
    long printed = 0;
    AvroDeserializer<SpecificRecord> values = deserializer(recordType);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.config.merge(props),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> partitions;
      try {
        partitions = consumer.partitionsFor(topic, Duration.ofMillis(timeoutMs));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        throw new IllegalStateException("cannot reach Kafka at " + bootstrap + " within " + timeoutMs + " ms");
      }
      if (partitions == null || partitions.isEmpty()) {
        throw new IllegalArgumentException("topic '" + topic + "' does not exist on " + bootstrap);
      }
      Collection<TopicPartition> assigned = partitions.stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      while (max == null || printed < max) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          ObjectNode line = JsonNodeFactory.instance.objectNode();
          line.put("partition", record.partition());
          line.put("offset", record.offset());
          line.put("key", record.key());
          line.set("value", value(values, record, recordType));
          ObjectNode headers = JsonNodeFactory.instance.objectNode();
          for (Header h : record.headers()) {
            if (h.key().startsWith("vibstream.")) {
              headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
            }
          }
          if (!headers.isEmpty()) {
            line.set("headers", headers);
          }
          out.println(line);
          out.flush();
          if (max != null && ++printed >= max) {
            break;
          }
        }
      }
    }
    return 0;
  }

  private Class<? extends SpecificRecord> recordType() {
    if (type != null) {
      Class<? extends SpecificRecord> named = BY_NAME.get(type);
      if (named == null) {
        throw new IllegalArgumentException("unknown --type '" + type + "', expected one of " + BY_NAME.keySet());
      }
      return named;
    }
    return Topic.named(topic).<Class<? extends SpecificRecord>>map(Topic::valueType).orElseThrow(() ->
        new IllegalArgumentException("no record type known for topic '" + topic + "'; give --type "
            + BY_NAME.keySet()));
  }

  /** The value as JSON, or a note when it is not a record of {@code type}. */
  private static JsonNode value(AvroDeserializer<SpecificRecord> values, ConsumerRecord<String, byte[]> record,
      Class<? extends SpecificRecord> type) {
    try {
      return toJson(values.deserialize(record.topic(), record.value()));
    } catch (SerializationException e) {
      return JsonNodeFactory.instance.textNode(String.format(Locale.ROOT, "<%d bytes, not a %s: %s>",
          record.value().length, type.getSimpleName(), e.getMessage()));
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static AvroDeserializer<SpecificRecord> deserializer(Class<? extends SpecificRecord> type) {
    return new AvroDeserializer(type);
  }

  /** An Avro record as JSON; bytes print as {@code "<N bytes>"}. */
  static JsonNode toJson(Object value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (value == null) {
      return f.nullNode();
    }
    if (value instanceof GenericRecord record) {
      ObjectNode node = f.objectNode();
      for (Schema.Field field : record.getSchema().getFields()) {
        node.set(field.name(), toJson(record.get(field.pos())));
      }
      return node;
    }
    if (value instanceof ByteBuffer bytes) {
      return f.textNode(String.format(Locale.ROOT, "<%d bytes>", bytes.remaining()));
    }
    if (value instanceof Collection<?> items) {
      ArrayNode array = f.arrayNode();
      items.forEach(item -> array.add(toJson(item)));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode node = f.objectNode();
      map.forEach((k, v) -> node.set(String.valueOf(k), toJson(v)));
      return node;
    }
    if (value instanceof Integer i) {
      return f.numberNode(i);
    }
    if (value instanceof Long l) {
      return f.numberNode(l);
    }
    if (value instanceof Float fl) {
      return f.numberNode(fl);
    }
    if (value instanceof Double d) {
      return f.numberNode(d);
    }
    if (value instanceof Boolean b) {
      return f.booleanNode(b);
    }
    if (value instanceof GenericEnumSymbol<?> || value instanceof Enum<?>) {
      return f.textNode(value.toString());
    }
    return f.textNode(String.valueOf(value));
  }
}
