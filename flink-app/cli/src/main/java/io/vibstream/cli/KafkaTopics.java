package io.vibstream.cli;

import io.vibstream.connectors.kafka.KafkaClientConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;

/** Checks before a command talks to Kafka, failing with one line instead of waiting forever. */
final class KafkaTopics {
  private static final int TIMEOUT_MS = 10_000;

  private KafkaTopics() {}

  /**
   * Returns when every topic exists on {@code bootstrap} (with ACLs: is visible to the principal of
   * {@code client}, which needs DESCRIBE on it, implied by READ and WRITE).
   *
   * @throws IllegalStateException if the broker does not answer within 10 s or refuses the credentials
   * @throws IllegalArgumentException naming the missing topics
   */
  static void requireExisting(String bootstrap, KafkaClientConfig client, String... topics)
      throws InterruptedException {
    Set<String> existing;
    try (Admin admin = Admin.create(client.merge(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS)))) {
      existing = admin.listTopics().names().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AuthenticationException refused) {
        throw new IllegalStateException("Kafka at " + bootstrap + " refused the connection: " + refused.getMessage());
      }
      throw new IllegalStateException("cannot reach Kafka at " + bootstrap + " within " + TIMEOUT_MS + " ms");
    } catch (TimeoutException | RuntimeException e) {
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
          + (client.isEmpty() ? "" : " or are not visible to this principal (no ACL)")
          + " ('vibstream broker' creates them)");
    }
  }
}
