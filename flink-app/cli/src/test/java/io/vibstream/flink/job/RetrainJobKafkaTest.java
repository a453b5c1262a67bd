package io.vibstream.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.cli.Vibstream;
import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.flink.functions.Retrainer;
import io.vibstream.flink.functions.TrendClips;
import io.vibstream.local.LocalStack;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.backbone.BackboneIdentity;
import io.vibstream.model.data.FeatureSequences;
import io.vibstream.model.eval.Evaluator;
import io.vibstream.model.release.ModelReleases;
import io.vibstream.model.runtime.VectorLstmRuntime;
import io.vibstream.model.training.CandidateTraining;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.RetrainDecision;
import io.vibstream.schemas.RetrainStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a MiniCluster and an embedded broker: a model that knows two actions is on the
 * compacted models topic ({@code vibstream models publish}), labeled feature clips of three
 * actions are on training-clips ({@code vibstream label --features-dir}), both before the job
 * starts; the job publishes a release that knows the third, read back committed.
 */
class RetrainJobKafkaTest {
  private static final int PER_LABEL = 30;

  @AutoClose
  private static LocalStack stack;
  private static EmbeddedKafka kafka;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void startStack() throws Exception {
    stack = LocalStack.start(LocalStack.Settings.of(1));
    kafka = stack.kafka();
  }

  @Test
  @Timeout(120)
  void labeledClipsOfANewActionBecomeABetterRelease() throws Exception {
    Path v1 = Files.write(tmp.resolve("v1.vib"), TrendClips.knownModelBytes(1, 16, 21));
    assertThat(cli("models", "publish", v1.toString(), "--bootstrap", kafka.bootstrapServers())).isZero();
    Path clips = tmp.resolve("clips");
    List<String> labels = List.of("rise", "fall", TrendClips.NEW);
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(clips, TrendClips.BACKBONE,
        TrendClips.DIMENSION, labels)) {
      Random random = new Random(22);
      for (int i = 0; i < PER_LABEL; i++) {
        for (String label : labels) {
          writer.add(TrendClips.frames(label, TrendClips.FRAMES, random), label, FeatureSequences.TRAIN, null);
        }
      }
    }
    assertThat(cli("label", "--bootstrap", kafka.bootstrapServers(), "--features-dir", clips.toString())).isZero();

    StreamExecutionEnvironment env = KafkaTestJobs.environment(stack);
    Retrainer.Settings settings = Retrainer.Settings.defaults()
        .withWindow(1000, 0.25)
        .withTriggers(3 * PER_LABEL, Duration.ZERO)
        .withTiming(Duration.ofMillis(100), Duration.ofSeconds(2))
        .withTraining(CandidateTraining.Settings.defaults());
    stack.retrainWiring().job(settings).build(env);
    long started = System.nanoTime();
    JobClient job = stack.flink().executeAsync(env, "retrain IT");
    try {
      List<RetrainStatus> statuses = read(Topic.RETRAIN_STATUS.topicName(), RetrainStatus.class, 1,
          Duration.ofSeconds(90)).stream().map(ConsumerRecord::value).toList();
      long seconds = (System.nanoTime() - started) / 1_000_000_000;
      assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
      RetrainStatus status = statuses.get(0);
      assertThat(status.getDecision()).as(status.getReason()).isEqualTo(RetrainDecision.PUBLISHED);
      assertThat(status.getTrigger()).isEqualTo("clips");
      assertThat(status.getParentVersion()).isEqualTo(1);
      assertThat(status.getVersion()).isEqualTo(2);
      assertThat(status.getTrainingClips() + status.getValidationClips()).isEqualTo(3 * PER_LABEL);
      assertThat(status.getAccuracy()).isGreaterThan(status.getParentAccuracy());
      System.out.printf("retrain job: status after %d s (job start to committed), training %d ms, candidate %.2f%% "
          + "vs parent %.2f%% on %d validation clips, %d LSTM parameters%n", seconds, status.getTrainingMs(),
          status.getAccuracy(), status.getParentAccuracy(), status.getValidationClips(), status.getLstmParams());

      List<ConsumerRecord<String, ModelRelease>> releases = read(Topic.MODELS.topicName(), ModelRelease.class, 2,
          Duration.ofSeconds(30));
      assertThat(releases).extracting(r -> r.value().getVersion()).containsExactly(1L, 2L);
      ConsumerRecord<String, ModelRelease> v2 = releases.get(1);
      assertThat(v2.key()).isEqualTo(Topic.versionKey(2));
      assertThat(v2.value().getLineage().getParentVersion()).isEqualTo(1);
      ModelArtifact artifact = ModelReleases.validate(v2.value(),
          new BackboneIdentity(TrendClips.BACKBONE, TrendClips.DIMENSION), 1, null).artifact();
      assertThat(artifact.manifest().labels()).containsExactly("rise", "fall", TrendClips.NEW);
      assertThat(newActionRecall(artifact)).isGreaterThanOrEqualTo(0.9);
    } finally {
      job.cancel().get();
    }
  }

  /** Share of fresh clips of the new action that the model names right. */
  private static double newActionRecall(ModelArtifact artifact) {
    Random random = new Random(23);
    int right = 0;
    int n = 50;
    try (VectorLstmRuntime runtime = new VectorLstmRuntime(artifact.model())) {
      for (int i = 0; i < n; i++) {
        float[][][] clip = {TrendClips.frames(TrendClips.NEW, TrendClips.FRAMES, random)};
        String named = artifact.manifest().labels().get(Evaluator.argMax(runtime.logits(clip)[0]));
        right += named.equals(TrendClips.NEW) ? 1 : 0;
      }
    }
    return right / (double) n;
  }

  private static int cli(String... args) {
    return Vibstream.commandLine().execute(args);
  }

  /** At least {@code n} committed records from the beginning of {@code topic}, within {@code deadline}. */
  private static <T extends SpecificRecord> List<ConsumerRecord<String, T>> read(String topic, Class<T> type, int n,
      Duration deadline) {
    List<ConsumerRecord<String, T>> out = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "it-read-" + UUID.randomUUID(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new AvroDeserializer<>(type))) {
      consumer.subscribe(List.of(topic));
      long end = System.nanoTime() + deadline.toNanos();
      while (out.size() < n && System.nanoTime() < end) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    assertThat(out).as("committed records on %s", topic).hasSizeGreaterThanOrEqualTo(n);
    return out;
  }
}
