package io.vibstream.flink.job;

import java.util.List;
import java.util.Optional;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;

/**
 * A sink's records that all go to one topic, and say which: an exactly-once sink that reuses its
 * transactional ids ({@code TransactionNamingStrategy.POOLING}) must know the topics it writes to
 * in order to find and abort transactions a failed attempt left open.
 */
interface SingleTopicSerialization<T> extends KafkaRecordSerializationSchema<T>, KafkaDatasetFacetProvider {
  /** The topic every record goes to. */
  String topic();

  @Override
  default Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
    return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic()))));
  }
}
