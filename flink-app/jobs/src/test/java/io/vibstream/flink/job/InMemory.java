package io.vibstream.flink.job;

import io.vibstream.flink.functions.TestModels;
import io.vibstream.flink.records.FeatureFrame;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.ReleaseStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * What the in-memory topology tests wire into the job's constructor instead of Kafka: a bounded
 * source of model releases, collecting sinks, a loopback-only MiniCluster, and the confidence a
 * model gives a window (to check events against).
 */
final class InMemory {
  private static final Map<String, Queue<Object>> COLLECTED = new ConcurrentHashMap<>();

  private InMemory() {}

  /** A MiniCluster of one TaskManager with {@code slots} slots, every endpoint on 127.0.0.1. */
  static MiniClusterExtension miniCluster(int slots) {
    Configuration c = new Configuration();
    c.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    c.set(RestOptions.ADDRESS, "127.0.0.1");
    c.set(JobManagerOptions.ADDRESS, "127.0.0.1");
    c.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
    c.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
    c.set(TaskManagerOptions.HOST, "127.0.0.1");
    return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setConfiguration(c).setNumberTaskManagers(1).setNumberSlotsPerTaskManager(slots).build());
  }

  /** What the sink named {@code name} collected so far. */
  @SuppressWarnings("unchecked")
  static <T> List<T> collected(String name) {
    return new ArrayList<>((Queue<T>) (Queue<?>) COLLECTED.getOrDefault(name, new ConcurrentLinkedQueue<>()));
  }

  /** The highest class probability {@code model} gives the window of feature frames. */
  /**
   * Waits until the status sink {@code name} holds an ACCEPTED status of {@code version} from
   * {@code subtasks} different subtasks, or {@code timeout} has passed (then returns anyway, and
   * the test's own checks tell what went wrong).
   */
  static void awaitAccepted(String name, long version, int subtasks, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && InMemory.<ModelStatus>collected(name).stream()
        .filter(s -> s.getVersion() == version && s.getStatus() == ReleaseStatus.ACCEPTED)
        .map(ModelStatus::getSubtask).distinct().count() < subtasks) {
      Thread.sleep(10);
    }
  }

  static float confidence(ModelArtifact model, List<FeatureFrame> window) {
    return TestModels.confidence(model, window.stream().map(FeatureFrame::features).toList());
  }

  /** The model releases, in order: the job reads its models source at parallelism 1. */
  static final class Releases implements GeneratorFunction<Long, ModelRelease> {
    private static final long serialVersionUID = 1L;
    private final List<byte[]> encoded = new ArrayList<>();

    Releases(List<ModelRelease> releases) {
      for (ModelRelease r : releases) {
        try {
          encoded.add(r.toByteBuffer().array());
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }

    @Override
    public ModelRelease map(Long index) throws Exception {
      return ModelRelease.fromByteBuffer(ByteBuffer.wrap(encoded.get(index.intValue())));
    }
  }

  /** Adds every record to a queue under its name (the MiniCluster runs in this JVM); see {@link #collected}. */
  static final class Collecting<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private final String name;

    Collecting(String name) {
      this.name = name;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
      Queue<Object> queue = COLLECTED.computeIfAbsent(name, n -> new ConcurrentLinkedQueue<>());
      return new SinkWriter<>() {
        @Override
        public void write(T element, Context ctx) {
          queue.add(element);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }
}
