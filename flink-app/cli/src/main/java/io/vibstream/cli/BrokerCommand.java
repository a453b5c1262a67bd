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
    "Creates the topics the jobs use: frames, events, models (compacted), model-status, frames-dead-letter, "
        + "training-clips, training-clips-dead-letter, retrain-status."})
final class BrokerCommand implements Callable<Integer> {
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
      kafka.createMissingTopics();
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
}
