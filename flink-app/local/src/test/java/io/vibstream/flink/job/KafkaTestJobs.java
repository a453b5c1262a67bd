package io.vibstream.flink.job;

import io.vibstream.local.LocalStack;
import java.time.Duration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** What the Kafka tests' jobs share besides the {@link LocalStack}: checkpoints and the inference job's settings. */
public final class KafkaTestJobs {
  private KafkaTestJobs() {}

  /** An environment of {@code stack}'s cluster with exactly-once checkpoints (the sinks commit) every 500 ms. */
  public static StreamExecutionEnvironment environment(LocalStack stack) {
    StreamExecutionEnvironment env = stack.flink().environment();
    env.enableCheckpointing(500, CheckpointingMode.EXACTLY_ONCE);
    return env;
  }

  /**
   * The test backbone's job (set with {@code backbone(...)}): batches of 8 or 20 ms, 1 s idleness,
   * {@code outOfOrderness} and an event every {@code stride} frames.
   */
  public static ActionRecognitionJob.Settings config(int parallelism, Duration outOfOrderness, int stride) {
    return ActionRecognitionJob.Settings.defaults(null)
        .withParallelism(parallelism)
        .withBatching(8, 20)
        .withWatermarks(outOfOrderness, Duration.ofSeconds(1))
        .withStride(stride);
  }
}
