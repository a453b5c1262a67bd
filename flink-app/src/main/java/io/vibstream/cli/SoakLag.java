package io.vibstream.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A job's lag on a topic: records on it that the job's consumer group has not committed yet. The
 * Flink Kafka source commits its offsets when a checkpoint completes, so the lag also counts the
 * frames of the checkpoint in progress.
 */
final class SoakLag {
  private final Admin admin;
  private final String group;
  private final String topic;

  SoakLag(Admin admin, String group, String topic) {
    this.admin = admin;
    this.group = group;
    this.topic = topic;
  }

  /** Records of every partition past the group's committed offset (all of them before its first commit). */
  long frames() throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (var p : admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
        .get(topic).partitions()) {
      latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
    }
    var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    long lag = 0;
    for (var e : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      lag += e.getValue().offset() - (c == null ? 0 : c.offset());
    }
    return lag;
  }

  /** Records on every partition of the topic. */
  long end() throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (var p : admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
        .get(topic).partitions()) {
      latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
    }
    return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream()
        .mapToLong(r -> r.offset()).sum();
  }
}
