package io.vibstream.cli;

import io.vibstream.connectors.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vibstream broker}: a single-node Kafka broker in the foreground, for local development. */
@Command(name = "broker", mixinStandardHelpOptions = true, description = {
    "Run a real single-node Kafka broker (KRaft, broker + controller) on 127.0.0.1 until Ctrl-C.",
    "Creates the topics the jobs use: frames, events, models (compacted), model-status, dead-letters, frames-dead-letter (the job's), training-clips, training-clips-dead-letter, retrain-status."})
final class BrokerCommand implements Callable<Integer> {
  /** Topics the jobs read and write, with their partition counts; the model topic is compacted. */
  static final String[][] TOPICS = {
      {"frames", "4"}, {"events", "4"}, {"dead-letters", "1"},
      {io.vibstream.flink.job.KafkaWiring.DEAD_LETTERS, "1"}, {io.vibstream.flink.job.KafkaWiring.MODEL_STATUS, "1"},
      {"training-clips", "1"}, {io.vibstream.flink.job.RetrainKafkaWiring.DEAD_CLIPS, "1"},
      {io.vibstream.flink.job.RetrainKafkaWiring.RETRAIN_STATUS, "1"}};
  static final String MODELS_TOPIC = "models";

  @Spec
  CommandSpec spec;

  @Option(names = "--port", description = "listener port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int port = 9092;

  @Option(names = "--dir", paramLabel = "DIR", description = "log directory, kept across runs (default: a temporary one, deleted at exit)")
  Path dir;

  @Override
  public Integer call() throws Exception {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--port must be in 1..65535, got " + port);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(port, dir)) {
      createTopics(kafka);
      Thread hook = new Thread(stopped::countDown, "broker-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      var out = spec.commandLine().getOut();
      out.printf("kafka broker listening on %s (log dir %s); Ctrl-C stops it%n", kafka.bootstrapServers(),
          kafka.logDir());
      out.flush();
      stopped.await();
    }
    return 0;
  }

  /** Creates the project's topics where they do not exist yet. */
  static void createTopics(EmbeddedKafka kafka) throws Exception {
    java.util.Set<String> existing;
    try (var admin = kafka.admin()) {
      existing = admin.listTopics().names().get();
    }
    for (String[] topic : TOPICS) {
      if (!existing.contains(topic[0])) {
        kafka.createTopic(topic[0], Integer.parseInt(topic[1]), false);
      }
    }
    if (!existing.contains(MODELS_TOPIC)) {
      kafka.createTopic(MODELS_TOPIC, 1, true);
    }
  }
}
