package io.vibstream.cli;

import io.vibstream.connectors.kafka.Topic;
import io.vibstream.flink.functions.Retrainer;
import io.vibstream.flink.job.RetrainKafkaWiring;
import io.vibstream.local.LocalFlink;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.model.signing.TrustedKeys;
import io.vibstream.model.training.CandidateTraining;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * {@code vibstream retrain}: the retraining side job ({@link io.vibstream.flink.job.RetrainJob})
 * against an external Kafka, on an in-process Flink cluster bound to 127.0.0.1, until Ctrl-C.
 */
@Command(name = "retrain", mixinStandardHelpOptions = true, description = {
    "Run the retraining job on a local Flink cluster against a Kafka broker, until Ctrl-C: labeled clips from "
        + "training-clips fill a window; every N clips or on a timer a candidate is fine-tuned from the current "
        + "model (or trained afresh), pruned, and published to the models topic only if its validation accuracy "
        + "is within the tolerance of the current model's and its LSTM fits the parameter budget.",
    "Every decision, with why, goes to retrain-status ('vibstream tail retrain-status')."})
final class RetrainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers")
  String bootstrap;

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Option(names = "--every-clips", paramLabel = "N", description = "retrain after N new clips, 0 = never (default: ${DEFAULT-VALUE})")
  int everyClips = 100;

  @Option(names = "--every", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "retrain at this interval when new clips arrived, e.g. 10m, 0 = never (default: 10m)")
  Duration every = Duration.ofMinutes(10);

  @Option(names = "--tolerance", paramLabel = "PTS", description = "publish when the candidate's validation accuracy "
      + "is at least the current model's minus PTS percentage points (default: ${DEFAULT-VALUE})")
  double tolerance = 1.0;

  @Option(names = "--param-budget", paramLabel = "N", description = "the most LSTM parameters a published model may "
      + "have, 0 = the current model's (default: ${DEFAULT-VALUE})")
  long paramBudget = 0;

  @Option(names = "--window-clips", paramLabel = "N", description = "clips kept for training, oldest evicted (default: ${DEFAULT-VALUE})")
  int windowClips = 1000;

  @Option(names = "--validation-share", paramLabel = "F", description = "share of clips held out for validation, "
      + "chosen by a hash of each clip (default: ${DEFAULT-VALUE})")
  double validationShare = 0.2;

  @Option(names = "--mode", paramLabel = "fine-tune|fresh", description = "start from the current model's weights or "
      + "from a new LSTM of --hidden units (default: ${DEFAULT-VALUE})")
  String mode = "fine-tune";

  @Option(names = "--hidden", paramLabel = "H", description = "hidden size of a fresh LSTM (default: ${DEFAULT-VALUE})")
  int hidden = 32;

  @Option(names = "--epochs", description = "epochs of fine-tuning or of the fresh LSTM (default: ${DEFAULT-VALUE})")
  int epochs = 20;

  @Option(names = "--vib-epochs", description = "epochs with the VIB loss before pruning, 0 = no compression (default: ${DEFAULT-VALUE})")
  int vibEpochs = 10;

  @Option(names = "--finetune-epochs", description = "epochs with frozen masks after pruning (default: ${DEFAULT-VALUE})")
  int fineTuneEpochs = 10;

  @Option(names = "--batch-size", description = "clips per Adam step (default: ${DEFAULT-VALUE})")
  int batchSize = 16;

  @Option(names = "--lr", description = "Adam learning rate of the weights (default: ${DEFAULT-VALUE})")
  double learningRate = 1e-2;

  @Option(names = "--beta", description = "VIB weight of the gate masks (default: ${DEFAULT-VALUE})")
  double beta = 1e-2;

  @Option(names = "--beta-input", description = "VIB weight of the input mask (default: same as --beta)")
  Double betaInput;

  @Option(names = "--clip-length", paramLabel = "T", description = "frames per clip while there is no model yet "
      + "(then the model's) (default: ${DEFAULT-VALUE})")
  int clipLength = 16;

  @Option(names = "--seed", description = "seed of initialization, data order and mask noise (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--checkpoint-interval-ms", description = "checkpoint interval; releases and statuses become "
      + "visible at checkpoints (default: ${DEFAULT-VALUE})")
  long checkpointIntervalMs = 5000;

  @Option(names = "--group-id", description = "consumer group and transactional id prefix (default: ${DEFAULT-VALUE})")
  String groupId = "vibstream-retrain";

  @Option(names = "--clips-topic", description = "labeled clips (default: ${DEFAULT-VALUE})")
  String clipsTopic = Topic.TRAINING_CLIPS.topicName();

  @Option(names = "--models-topic", description = "compacted model releases, read and written (default: ${DEFAULT-VALUE})")
  String modelsTopic = Topic.MODELS.topicName();

  @Option(names = "--status-topic", description = "retrain decisions (default: ${DEFAULT-VALUE})")
  String statusTopic = Topic.RETRAIN_STATUS.topicName();

  @Option(names = "--signing-key", paramLabel = "FILE", description = "Ed25519 private key (PEM, PKCS#8, e.g. from "
      + "'vibstream keys generate') that signs the published releases; without it they are unsigned and jobs "
      + "started with --trusted-key refuse them")
  Path signingKey;

  @Option(names = "--trusted-key", paramLabel = "FILE[,FILE...]", split = ",", description = "Ed25519 public key; "
      + "repeatable: only releases signed by one of these keys (or by --signing-key) become the parent of a "
      + "candidate. Without it any valid release does")
  List<Path> trustedKeys = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Retrainer.Settings settings = settings();
    ReleaseSigner signer = signingKey == null ? null : ReleaseSigner.load(signingKey);
    TrustedKeys trust = TrustedKeys.load(trustedKeys);
    if (checkpointIntervalMs < 10) {
      throw new IllegalArgumentException("--checkpoint-interval-ms must be >= 10, got " + checkpointIntervalMs);
    }
    KafkaTopics.requireExisting(bootstrap, kafka.config, clipsTopic, modelsTopic, statusTopic);
    PrintWriter out = spec.commandLine().getOut();
    try (LocalFlink flink = LocalFlink.start(1)) {
      StreamExecutionEnvironment env = flink.environment();
      env.setParallelism(1);
      env.enableCheckpointing(checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
      RetrainKafkaWiring.of(bootstrap).withClient(kafka.config).withTopics(clipsTopic, modelsTopic, statusTopic)
          .withIds(groupId, groupId).job(settings).signer(signer).trustedKeys(trust).build(env);
      JobID job = flink.submit(env, "vibstream retrain");
      out.printf("retrain job %s running on a local cluster against %s: clips from %s, releases to %s, decisions to "
          + "%s; Ctrl-C stops it%n", job, bootstrap, clipsTopic, modelsTopic, statusTopic);
      out.println(signer == null ? "warning: no --signing-key, so the releases are unsigned (jobs started with "
          + "--trusted-key refuse them)" : "releases signed by key " + signer.fingerprint());
      if (signer != null && trust.isEmpty()) {
        out.println("warning: no --trusted-key, so an unsigned release may become the parent of a signed one");
      }
      out.flush();
      if (flink.awaitUntilShutdown(job, "vibstream-retrain-shutdown")) {
        return 0;
      }
      out.printf("retrain job %s ended: %s%n", job, flink.status(job));
      return 1;
    }
  }

  /** The job's settings from the options; one-line errors for bad values. */
  Retrainer.Settings settings() {
    CandidateTraining.Mode m = switch (mode) {
      case "fine-tune" -> CandidateTraining.Mode.FINE_TUNE;
      case "fresh" -> CandidateTraining.Mode.FRESH;
      default -> throw new IllegalArgumentException("--mode must be fine-tune or fresh, got '" + mode + "'");
    };
    CandidateTraining.Settings training = new CandidateTraining.Settings(m, hidden, epochs, vibEpochs, fineTuneEpochs,
        batchSize, learningRate, beta, betaInput == null ? beta : betaInput, clipLength, seed);
    return Retrainer.Settings.defaults()
        .withWindow(windowClips, validationShare)
        .withTriggers(everyClips, every)
        .withGate(tolerance, paramBudget)
        .withTraining(training);
  }
}
