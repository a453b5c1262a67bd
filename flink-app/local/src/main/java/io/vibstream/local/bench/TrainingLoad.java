package io.vibstream.local.bench;

import io.vibstream.flink.functions.Retrainer;
import io.vibstream.flink.job.RetrainKafkaWiring;
import io.vibstream.local.LocalStack;
import io.vibstream.model.training.CandidateTraining;
import io.vibstream.schemas.LabeledClip;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What {@code bench swap} trains beside the inference job: the retrain job on the same local
 * cluster, and labeled clips of the bench's features that start one training of a chosen size.
 */
public final class TrainingLoad {
  private static final List<String> LABELS = List.of("walk", "wave", "fall");

  private TrainingLoad() {}

  /**
   * Submits the retrain job on {@code stack} against its topics: one training once {@code clips}
   * clips arrived, fine-tuning the current model for {@code epochs} epochs (then, from a dense model,
   * {@code epochs / 2} VIB epochs and {@code epochs / 2} with frozen masks), 20% of the clips held
   * out; its releases are signed by the stack's signer, and only releases it signed are parents.
   */
  public static JobID submit(LocalStack stack, long checkpointIntervalMs, int clips, int epochs) throws Exception {
    StreamExecutionEnvironment env = stack.flink().environment();
    env.enableCheckpointing(checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
    Retrainer.Settings settings = Retrainer.Settings.defaults()
        .withWindow(Math.max(2, clips), 0.2)
        .withTriggers(clips, Duration.ZERO)
        .withTraining(CandidateTraining.Settings.defaults().withEpochs(epochs, epochs / 2, epochs / 2));
    String id = "bench-retrain-" + UUID.randomUUID();
    RetrainKafkaWiring.of(stack.bootstrap()).withIds(id, id).job(settings).signer(stack.signer())
        .trustedKeys(stack.signer().trustedKeys()).build(env);
    return stack.flink().submit(env, "bench swap: retrain");
  }

  /**
   * {@code n} labeled clips of {@code frames} frames of {@code dimension} noisy features, labels
   * in turn; the label shows as a rise over the clip in feature 0, 2 or 4 (inputs that both of the
   * bench's models read).
   */
  public static List<LabeledClip> clips(String backboneId, int dimension, int frames, int n, long seed) {
    Random random = new Random(seed);
    Instant now = Instant.now();
    List<LabeledClip> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int label = i % LABELS.size();
      List<Float> features = new ArrayList<>(frames * dimension);
      for (int t = 0; t < frames; t++) {
        for (int j = 0; j < dimension; j++) {
          double rise = j == (2 * label) % dimension ? 2.0 * t / Math.max(1, frames - 1) : 0;
          features.add((float) (random.nextGaussian() * 0.5 + rise));
        }
      }
      out.add(LabeledClip.newBuilder().setCameraId("bench-label").setStartTimestamp(now).setEndTimestamp(now)
          .setLabel(LABELS.get(label)).setFeatureDim(dimension).setFeatures(features).setFrames(null)
          .setBackboneId(backboneId).build());
    }
    return out;
  }
}
