package io.vibstream.cli;

import io.vibstream.flink.job.ActionRecognitionJob;
import io.vibstream.flink.job.JobOptions;
import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.local.LocalFlink;
import io.vibstream.model.signing.TrustedKeys;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream job}: the action recognition job against an external Kafka, on an in-process
 * Flink cluster bound to 127.0.0.1, until Ctrl-C (then the job is canceled and the cluster closed).
 */
@Command(name = "job", mixinStandardHelpOptions = true,
    description = "Run the action recognition job (frames -> backbone -> VIB-LSTM -> events) on a local Flink "
        + "cluster against a Kafka broker, until Ctrl-C.")
final class JobCommand implements Callable<Integer> {
  /** The job's defaults, shared with the job jar's options ({@link JobOptions}). */
  private static final ActionRecognitionJob.Settings DEFAULTS = ActionRecognitionJob.Settings.defaults(null);

  @Spec
  CommandSpec spec;

  @Option(names = JobOptions.BOOTSTRAP, required = true, paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers")
  String bootstrap;

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Option(names = JobOptions.BACKBONE, required = true, paramLabel = "SPEC",
      description = "builtin:FILE, MODEL.pt or MODEL.onnx")
  String backbone;

  @Option(names = JobOptions.PARALLELISM, description = "job parallelism = task slots (default: ${DEFAULT-VALUE})")
  int parallelism = 2;

  @Option(names = JobOptions.MAX_BATCH, description = "frames per backbone call (default: ${DEFAULT-VALUE})")
  int maxBatch = DEFAULTS.maxBatchSize();

  @Option(names = JobOptions.MAX_BATCH_WAIT_MS,
      description = "longest a frame waits for its batch (default: ${DEFAULT-VALUE})")
  long maxBatchWaitMs = DEFAULTS.maxBatchWaitMs();

  @Option(names = JobOptions.FLUSH_INTERVAL_MS,
      description = "longest a feature frame waits in a network buffer on its way to its camera's recognizer, "
          + "0 = after every record (default: ${DEFAULT-VALUE})")
  long flushIntervalMs = DEFAULTS.flushIntervalMs();

  @Option(names = JobOptions.STRIDE,
      description = "frames between events per camera, 0 = clip length / 4 (default: ${DEFAULT-VALUE})")
  int stride = DEFAULTS.strideFrames();

  @Option(names = JobOptions.UNALIGNED_CHECKPOINTS,
      description = "unaligned checkpoints: a barrier overtakes the frames queued before it instead of holding "
          + "the other inputs back (lower latency tail under load)")
  boolean unalignedCheckpoints;

  @Option(names = JobOptions.CHECKPOINT_INTERVAL_MS,
      description = "checkpoint interval; exactly-once events become visible at checkpoints "
          + "(default: ${DEFAULT-VALUE})")
  long checkpointIntervalMs = JobOptions.DEFAULT_CHECKPOINT_INTERVAL_MS;

  @Option(names = "--state-backend", paramLabel = "hashmap|rocksdb", description = "keyed state on the heap "
      + "(hashmap) or in RocksDB under the TaskManager's temporary directory (default: ${DEFAULT-VALUE})")
  String stateBackend = "hashmap";

  @Option(names = JobOptions.GROUP_ID, description = "consumer group of the frames (default: ${DEFAULT-VALUE})")
  String groupId = JobOptions.DEFAULT_GROUP_ID;

  @Option(names = JobOptions.MAX_FRAME_BYTES, paramLabel = "BYTES", description = "frame records above this size are "
      + "dead-lettered (too_large), 0 = no limit (default: ${DEFAULT-VALUE})")
  long maxFrameBytes = DEFAULTS.limits().maxFrameBytes();

  @Option(names = JobOptions.ALLOWED_CAMERAS, paramLabel = "ID[,ID...]", split = ",",
      description = "only these cameras are admitted, frames of others are dead-lettered (unknown_camera); "
          + "default: every camera")
  List<String> allowedCameras = new ArrayList<>();

  @Option(names = JobOptions.MAX_CLOCK_SKEW, paramLabel = "DURATION", converter = DurationConverter.class,
      description = "frames captured further ahead of this host's clock are dead-lettered (future_timestamp) "
          + "(default: 1m)")
  Duration maxClockSkew = DEFAULTS.limits().maxClockSkew();

  @Option(names = JobOptions.TRUSTED_KEY, paramLabel = "FILE[,FILE...]", split = ",",
      description = "Ed25519 public key (PEM, e.g. from 'vibstream keys generate'); repeatable: only model "
          + "releases signed by one of these keys are accepted. Without it unsigned releases are accepted too "
          + "(insecure)")
  List<Path> trustedKeys = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    TrustedKeys trust = TrustedKeys.load(trustedKeys);
    ActionRecognitionJob.Settings config = config(backbone, parallelism, maxBatch, maxBatchWaitMs, stride)
        .withFlushInterval(flushIntervalMs)
        .withMaxFrameBytes(maxFrameBytes)
        .withAllowedCameras(new TreeSet<>(allowedCameras));
    config = config.withLimits(config.limits().withMaxClockSkew(maxClockSkew));
    try (LocalFlink flink = LocalFlink.start(parallelism, LocalFlink.stateBackend(stateBackend, null))) {
      StreamExecutionEnvironment env = flink.environment();
      env.enableCheckpointing(checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
      env.getCheckpointConfig().enableUnalignedCheckpoints(unalignedCheckpoints);
      KafkaWiring.of(bootstrap).withClient(kafka.config).withIds(groupId, groupId).job(config).trustedKeys(trust)
          .build(env);
      JobID job = flink.submit(env, "vibstream action recognition");
      out.printf("job %s running on a local cluster (parallelism %d, %s state) against %s; Ctrl-C stops it%n", job,
          parallelism, stateBackend, bootstrap);
      out.println(trust(trust));
      out.flush();
      if (flink.awaitUntilShutdown(job, "vibstream-job-shutdown")) {
        return 0;
      }
      out.printf("job %s ended: %s%n", job, flink.status(job));
      return 1;
    }
  }

  /** One line on which model releases a job with {@code trust} accepts. */
  static String trust(TrustedKeys trust) {
    return trust.isEmpty() ? "warning: no --trusted-key, so unsigned model releases are accepted (insecure)"
        : "model releases are accepted only if signed by one of the " + trust;
  }

  static ActionRecognitionJob.Settings config(String backbone, int parallelism, int maxBatch, long maxBatchWaitMs,
      int stride) {
    return ActionRecognitionJob.Settings.defaults(backbone)
        .withParallelism(parallelism)
        .withBatching(maxBatch, maxBatchWaitMs)
        .withStride(stride);
  }
}
