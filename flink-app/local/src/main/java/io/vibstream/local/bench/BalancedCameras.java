package io.vibstream.local.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.kafka.common.utils.Utils;

/**
 * Camera ids spread evenly over Kafka partitions and keyed subtasks. Hashing 16 arbitrary ids puts
 * e.g. 3/7/3/3 cameras on 4 partitions: a partition with more cameras advances in event time more
 * slowly, holds the watermark back, and the frames of the other partitions wait in the
 * recognizer's state, which a bench would then measure instead of the pipeline.
 */
public final class BalancedCameras {
  private BalancedCameras() {}

  /**
   * {@code n} camera ids ({@code camNNN}, deterministic) spread evenly over {@code partitions} Kafka
   * partitions (the default partitioner) and the {@code parallelism} keyed subtasks.
   */
  public static String[] ids(int n, int partitions, int parallelism) {
    int maxParallelism = KeyGroupRangeAssignment.computeDefaultMaxParallelism(parallelism);
    int perPartition = (n + partitions - 1) / partitions;
    int perSubtask = (n + parallelism - 1) / parallelism;
    int[] onPartition = new int[partitions];
    int[] onSubtask = new int[parallelism];
    String[] ids = new String[n];
    int found = 0;
    for (int i = 0; found < n; i++) {
      String id = String.format(Locale.ROOT, "cam%03d", i);
      int p = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions;
      int t = KeyGroupRangeAssignment.assignKeyToParallelOperator(id, maxParallelism, parallelism);
      if (onPartition[p] < perPartition && onSubtask[t] < perSubtask) {
        onPartition[p]++;
        onSubtask[t]++;
        ids[found++] = id;
      }
    }
    return ids;
  }
}
