package io.vibstream.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * An in-process Flink cluster (a {@link MiniCluster}: one TaskManager with {@code slots} slots)
 * bound to 127.0.0.1 only (REST, JobManager, TaskManager, hence the blob server too), with
 * {@code ai.djl} loaded parent-first. Build a job on {@link #environment()}, {@link #submit} it,
 * {@link #cancel} it and {@link #close()} the cluster. Keyed state lives on the heap
 * ({@code hashmap}) unless {@link #start(int, Configuration)} is given e.g. {@link #stateBackend}
 * {@code rocksdb}.
 */
public final class LocalFlink implements AutoCloseable {
  private final MiniCluster cluster;
  private final Configuration configuration;

  private LocalFlink(MiniCluster cluster, Configuration configuration) {
    this.cluster = cluster;
    this.configuration = configuration;
  }

  /** The loopback-only configuration of this project's local clusters (REST on a random port). */
  public static Configuration localhostOnly() {
    Configuration c = new Configuration();
    c.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    c.set(RestOptions.ADDRESS, "127.0.0.1");
    c.set(RestOptions.BIND_PORT, "0");
    c.set(JobManagerOptions.ADDRESS, "127.0.0.1");
    c.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
    c.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
    c.set(TaskManagerOptions.HOST, "127.0.0.1");
    c.set(CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL, java.util.List.of("ai.djl"));
    c.set(ConfigOptions.key("pipeline.generic-types").booleanType().noDefaultValue(), false);
    return c;
  }

  /** Starts a cluster with {@code slots} task slots. */
  public static LocalFlink start(int slots) throws Exception {
    return start(slots, new Configuration());
  }

  /**
   * Starts a cluster with {@code slots} task slots and {@code extra} settings on top of
   * {@link #localhostOnly()}, for the cluster and every job built on {@link #environment()}.
   */
  public static LocalFlink start(int slots, Configuration extra) throws Exception {
    Configuration c = localhostOnly();
    c.addAll(extra);
    MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
        .setConfiguration(c)
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(slots)
        .build());
    cluster.start();
    return new LocalFlink(cluster, c);
  }

  /**
   * The settings of a keyed state backend: {@code hashmap} (on the heap) or {@code rocksdb}
   * ({@code state.backend.type}), RocksDB's working files under {@code rocksDbDir} (null: the
   * TaskManager's temporary directories).
   */
  public static Configuration stateBackend(String type, Path rocksDbDir) {
    String t = type.toLowerCase(Locale.ROOT);
    if (!t.equals("hashmap") && !t.equals("rocksdb")) {
      throw new IllegalArgumentException("state backend must be hashmap or rocksdb, got " + type);
    }
    Configuration c = new Configuration();
    c.set(StateBackendOptions.STATE_BACKEND, t);
    if (t.equals("rocksdb") && rocksDbDir != null) {
      c.set(RocksDBOptions.LOCAL_DIRECTORIES, rocksDbDir.toAbsolutePath().toString());
    }
    return c;
  }

  /** A fresh environment to build a job on (its graph is submitted with {@link #submit}). */
  public StreamExecutionEnvironment environment() {
    return new StreamExecutionEnvironment(new Configuration(configuration));
  }

  /** Submits what was built on {@code env}; returns the job id. */
  public JobID submit(StreamExecutionEnvironment env, String name) throws Exception {
    org.apache.flink.streaming.api.graph.StreamGraph streamGraph = env.getStreamGraph();
    streamGraph.setJobName(name);
    JobGraph graph = streamGraph.getJobGraph();
    return cluster.submitJob(graph).get().getJobID();
  }

  /**
   * Submits what was built on {@code env}, as {@code env.executeAsync} would on a cluster: the
   * client watches and cancels the job, and leaves the cluster running when it ends.
   */
  public JobClient executeAsync(StreamExecutionEnvironment env, String name) throws Exception {
    return new MiniClusterJobClient(submit(env, name), cluster, Thread.currentThread().getContextClassLoader(),
        MiniClusterJobClient.JobFinalizationBehavior.NOTHING);
  }

  public JobStatus status(JobID job) throws Exception {
    return cluster.getJobStatus(job).get();
  }

  /** Waits for the job to end (e.g. failed for good or canceled). */
  public void await(JobID job) throws Exception {
    cluster.requestJobResult(job).get();
  }

  /** Cancels the job and waits up to {@code timeout} for it to stop. */
  public void cancel(JobID job, Duration timeout) throws Exception {
    try {
      if (!status(job).isGloballyTerminalState()) {
        cluster.cancelJob(job).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      cluster.requestJobResult(job).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Waits for the job to end, or for the JVM to shut down (Ctrl-C): then a shutdown hook named
   * {@code hookName} cancels the job (up to 30 s) and closes the cluster, and this returns once it
   * has. Returns true if the job was stopped that way, false if it ended by itself (see
   * {@link #status}).
   */
  public boolean awaitUntilShutdown(JobID job, String hookName) throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      try {
        cancel(job, Duration.ofSeconds(30));
        close();
      } catch (Exception e) {
        // shutting down anyway
      } finally {
        stopped.countDown();
      }
    }, hookName);
    Runtime.getRuntime().addShutdownHook(hook);
    await(job);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      stopped.await();
      return true;
    }
    return false;
  }

  /** The REST endpoint (127.0.0.1, random port), e.g. for checkpoint statistics. */
  public java.net.URI restAddress() throws Exception {
    return cluster.getRestAddress().get();
  }

  @Override
  public void close() throws Exception {
    cluster.closeAsync().get(30, TimeUnit.SECONDS);
  }
}
