package io.vibstream.local.soak;

import java.util.HashMap;
import java.util.List;
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
public final class SoakLag {
  private final Admin admin;
  private final String group;
  private final String topic;

  public SoakLag(Admin admin, String group, String topic) {
    this.admin = admin;
    this.group = group;
    this.topic = topic;
  }

  /** Records of every partition past the group's committed offset (all of them before its first commit). */
  public long frames() throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    long lag = 0;
    for (var e : endOffsets().entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      lag += e.getValue() - (c == null ? 0 : c.offset());
    }
    return lag;
  }

  /** Records on every partition of the topic. */
  public long end() throws Exception {
    return endOffsets().values().stream().mapToLong(Long::longValue).sum();
  }

  private Map<TopicPartition, Long> endOffsets() throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (var p : admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
        .get(topic).partitions()) {
      latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((tp, r) -> ends.put(tp, r.offset()));
    return ends;
  }
}
