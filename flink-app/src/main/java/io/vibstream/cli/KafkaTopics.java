package io.vibstream.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Checks before a command talks to Kafka, failing with one line instead of waiting forever. */
final class KafkaTopics {
  private static final int TIMEOUT_MS = 10_000;

  private KafkaTopics() {}

  /**
   * Returns when every topic exists on {@code bootstrap}.
   *
   * @throws IllegalStateException if the broker does not answer within 10 s
   * @throws IllegalArgumentException naming the missing topics
   */
  static void requireExisting(String bootstrap, String... topics) throws InterruptedException {
    Set<String> existing;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS))) {
      existing = admin.listTopics().names().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new IllegalStateException("cannot reach Kafka at " + bootstrap + " within " + TIMEOUT_MS + " ms");
    }
    List<String> missing = new ArrayList<>();
    for (String topic : topics) {
      if (!existing.contains(topic)) {
        missing.add(topic);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("topic(s) " + missing + " do not exist on " + bootstrap
          + " ('vibstream broker' creates them)");
    }
  }
}
