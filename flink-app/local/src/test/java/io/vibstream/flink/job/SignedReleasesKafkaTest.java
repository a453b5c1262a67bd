package io.vibstream.flink.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.connectors.synth.SyntheticCamera;
import io.vibstream.flink.functions.MeanColorExtractor;
import io.vibstream.flink.functions.TestModels;
import io.vibstream.local.CommittedOutputs;
import io.vibstream.local.LocalStack;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.release.ModelReleases;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.model.signing.SigningKeys;
import io.vibstream.model.signing.TrustedKeys;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.ReleaseStatus;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inference job (parallelism 2, MiniCluster, embedded broker) started with two trusted keys
 * read from their files: a release signed by one of them serves; an unsigned one, one signed by
 * another key, one whose artifact was swapped after signing, an old signed artifact replayed under
 * a new version and one with a flipped byte are refused on every subtask with their reason while
 * the cameras' events keep the good version; a release signed by the second trusted key then
 * takes over. Everything is read back committed.
 */
class SignedReleasesKafkaTest {
  private static final int CLIP = 8;
  private static final int STRIDE = 2;
  private static final List<String> CAMERAS = List.of("cam-0", "cam-1");
  private static final Duration STEP = Duration.ofSeconds(40);

  @AutoClose
  private static LocalStack stack;
  private static EmbeddedKafka kafka;

  @TempDir
  static Path keys;

  @BeforeAll
  static void startStack() throws Exception {
    stack = LocalStack.start(LocalStack.Settings.of(2));
    kafka = stack.kafka();
  }

  @Test
  @Timeout(180)
  void onlyReleasesSignedByATrustedKeyServeAndRefusedOnesLeaveTheOldModelServing() throws Exception {
    SigningKeys.KeyFiles release = SigningKeys.write(SigningKeys.generate(), keys, "release");
    SigningKeys.KeyFiles backup = SigningKeys.write(SigningKeys.generate(), keys, "backup");
    ReleaseSigner signer = ReleaseSigner.load(release.privateKey());
    ReleaseSigner backupSigner = ReleaseSigner.load(backup.privateKey());
    ReleaseSigner stranger = ReleaseSigner.generate();
    TrustedKeys trust = TrustedKeys.load(List.of(release.publicKey(), backup.publicKey()));

    ModelRelease v1 = signed(1, artifact(1), signer);
    publish(v1);
    JobClient job = startJob(trust);
    ExecutorService pool = Executors.newFixedThreadPool(CAMERAS.size());
    List<CameraPublisher> publishers = new ArrayList<>();
    List<Future<CameraPublisher.Stats>> runs = new ArrayList<>();
    try (CommittedOutputs out = new CommittedOutputs(kafka.bootstrapServers())) {
      out.await("v1 serving on both subtasks", STEP, () -> count(out, 1, ReleaseStatus.ACCEPTED) == 2);
      Thread.sleep(1500); // the frames input goes idle, so the models stream holds no watermark back
      for (int i = 0; i < CAMERAS.size(); i++) {
        String camera = CAMERAS.get(i);
        CameraPublisher p = CameraPublisher.create(kafka.bootstrapServers(), Topic.FRAMES.topicName(), camera)
            .realtime(true);
        String url = "synth://" + camera + "?seed=" + (i + 1) + "&fps=25&size=32x32&realtime=true&loop=true";
        publishers.add(p);
        runs.add(pool.submit(() -> {
          try (SyntheticCamera source = SyntheticCamera.open(url)) {
            return p.run(source, 0);
          }
        }));
      }
      out.await("events of v1", STEP, () -> eventsAfter(out, 0) >= 10);

      ModelRelease unsigned = TestModels.release(2, artifact(2));
      ModelRelease otherKey = signed(3, artifact(3), stranger);
      ModelRelease swapped = signed(4, artifact(4), signer);
      byte[] replacement = artifact(44);
      swapped.setArtifact(ByteBuffer.wrap(replacement));
      swapped.setSha256(ModelArtifacts.sha256Hex(replacement));
      ModelRelease replayed = ModelRelease.newBuilder(v1).setVersion(5).build();
      ModelRelease flipped = signed(6, artifact(6), signer);
      flipped.getArtifact().put(flipped.getArtifact().remaining() / 2, (byte) 0x5a);
      publish(unsigned, otherKey, swapped, replayed, flipped);
      out.await("v2..v6 refused on both subtasks", STEP,
          () -> List.of(2L, 3L, 4L, 5L, 6L).stream().allMatch(v -> count(out, v, ReleaseStatus.REFUSED) == 2));
      long refusedAt = out.modelStatus().stream().filter(s -> s.getVersion() > 1)
          .mapToLong(s -> s.getTimestamp().toEpochMilli()).max().orElseThrow();
      out.await("events after the refusals", STEP, () -> eventsAfter(out, refusedAt) >= 10);

      publish(signed(7, artifact(7), backupSigner));
      out.await("v7 serving on both subtasks and in every camera's events", STEP,
          () -> count(out, 7, ReleaseStatus.ACCEPTED) == 2 && CAMERAS.stream().allMatch(c -> out.events()
              .getOrDefault(c, List.of()).stream().anyMatch(e -> e.getModelVersion() == 7)));
      publishers.forEach(CameraPublisher::stop);
      for (Future<CameraPublisher.Stats> run : runs) {
        run.get(10, TimeUnit.SECONDS);
      }
      out.drain(Duration.ofSeconds(2));
      assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

      String fingerprint = signer.fingerprint().substring(0, 16);
      assertRefused(out, 2, "model release v2: unsigned release (only releases signed by one of the keys "
          + fingerprint + ", " + backupSigner.fingerprint().substring(0, 16) + " are accepted)");
      assertRefused(out, 3, "model release v3: signature not by a trusted key: signed by key "
          + stranger.fingerprint().substring(0, 16));
      assertRefused(out, 4, "model release v4: bad signature: key " + fingerprint + " did not sign version 4 with "
          + "SHA-256 " + ModelArtifacts.sha256Hex(replacement));
      assertRefused(out, 5, "model release v5: bad signature: key " + fingerprint + " did not sign version 5");
      assertRefused(out, 6, "model release v6: SHA-256 mismatch");
      assertThat(out.modelStatus()).filteredOn(s -> s.getStatus() == ReleaseStatus.ACCEPTED)
          .extracting(ModelStatus::getVersion).containsExactlyInAnyOrder(1L, 1L, 7L, 7L);

      assertThat(out.events().keySet()).containsExactlyElementsOf(CAMERAS);
      out.events().forEach((camera, events) -> {
        List<Long> versions = new ArrayList<>();
        for (ActionEvent e : events) {
          if (versions.isEmpty() || versions.get(versions.size() - 1) != e.getModelVersion()) {
            versions.add(e.getModelVersion());
          }
        }
        assertThat(versions).as("versions of %s in emission order", camera).containsExactly(1L, 7L);
        assertThat(events).as("events of %s after the refusals", camera)
            .filteredOn(e -> e.getWindowStart().toEpochMilli() > refusedAt).hasSizeGreaterThanOrEqualTo(10);
      });
    } finally {
      publishers.forEach(CameraPublisher::stop);
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
      publishers.forEach(CameraPublisher::close);
      job.cancel().get();
    }
  }

  private static void assertRefused(CommittedOutputs out, long version, String reason) {
    List<ModelStatus> status = out.modelStatus().stream().filter(s -> s.getVersion() == version).toList();
    assertThat(status).extracting(ModelStatus::getSubtask).containsExactlyInAnyOrder(0, 1);
    for (ModelStatus s : status) {
      assertThat(s.getStatus()).as(s.getReason()).isEqualTo(ReleaseStatus.REFUSED);
      assertThat(s.getReason()).startsWith(reason).doesNotContain("\n");
      assertThat(s.getServingVersion()).isEqualTo(1);
    }
  }

  private static JobClient startJob(TrustedKeys trust) throws Exception {
    StreamExecutionEnvironment env = KafkaTestJobs.environment(stack);
    ActionRecognitionJob.Settings config = KafkaTestJobs.config(2, Duration.ofMillis(50), STRIDE);
    stack.wiring().job(config).trustedKeys(trust).backbone(MeanColorExtractor.factory()).build(env);
    return stack.flink().executeAsync(env, "signed releases");
  }

  /** A random model on the test backbone, all of the same clip length. */
  private static byte[] artifact(long seed) {
    return TestModels.artifact(seed, MeanColorExtractor.ID, MeanColorExtractor.DIMENSION, CLIP, seed);
  }

  private static ModelRelease signed(long version, byte[] artifact, ReleaseSigner signer) {
    ModelRelease release = TestModels.release(version, artifact);
    release.setSignature(ModelReleases.signature(signer, version, release.getSha256()));
    return release;
  }

  private static void publish(ModelRelease... releases) throws Exception {
    try (KafkaProducer<String, ModelRelease> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
        new AvroSerializer<>())) {
      for (ModelRelease r : releases) {
        producer.send(new ProducerRecord<>(Topic.MODELS.topicName(), Topic.versionKey(r.getVersion()), r)).get();
      }
    }
  }

  private static long count(CommittedOutputs out, long version, ReleaseStatus status) {
    return out.modelStatus().stream().filter(s -> s.getVersion() == version && s.getStatus() == status).count();
  }

  /** The fewest events of any camera whose window starts after {@code millis}. */
  private static long eventsAfter(CommittedOutputs out, long millis) {
    return CAMERAS.stream().mapToLong(c -> out.events().getOrDefault(c, List.of()).stream()
        .filter(e -> e.getWindowStart().toEpochMilli() > millis).count()).min().orElse(0);
  }
}
