package io.vibstream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.flink.records.ClipInput;
import io.vibstream.flink.records.ParentModel;
import io.vibstream.flink.records.RetrainCursor;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.backbone.BackboneIdentity;
import io.vibstream.model.eval.Evaluator;
import io.vibstream.model.lstm.Readout;
import io.vibstream.model.release.ModelReleases;
import io.vibstream.model.runtime.VectorLstmRuntime;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.model.training.CandidateTraining;
import io.vibstream.model.training.TrainingClip;
import io.vibstream.model.training.ValidationSplit;
import io.vibstream.schemas.LabeledClip;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.RetrainDecision;
import io.vibstream.schemas.RetrainStatus;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The retrain operator in a test harness: real training (small trainings, about a second each),
 * processing time driven by the test. The background training runs on its own thread in real
 * time; {@link #await} advances processing time one poll at a time until the decision is out.
 */
class RetrainerTest {
  private static final long NOW = 1_000_000_000L;
  private static final List<String> ALL = List.of("rise", "fall", "swing");
  private static final CandidateTraining.Settings TRAINING =
      new CandidateTraining.Settings(CandidateTraining.Mode.FINE_TUNE, 16, 15, 8, 5, 16, 1e-2, 1e-2, 1e-2, 16, 1);
  private static final Retrainer.Settings SETTINGS = new Retrainer.Settings(1000, 0.25, 90, Duration.ZERO, 1.0, 0,
      Duration.ofMillis(1), Duration.ZERO, TRAINING);

  private static KeyedTwoInputStreamOperatorTestHarness<String, ClipInput, ModelRelease, RetrainStatus> harness(
      Retrainer.Settings settings) throws Exception {
    var h = unopened(settings);
    h.setProcessingTime(NOW);
    h.open();
    return h;
  }

  private static KeyedTwoInputStreamOperatorTestHarness<String, ClipInput, ModelRelease, RetrainStatus> unopened(
      Retrainer.Settings settings) throws Exception {
    return unopened(new Retrainer(settings));
  }

  private static KeyedTwoInputStreamOperatorTestHarness<String, ClipInput, ModelRelease, RetrainStatus> unopened(
      Retrainer retrainer) throws Exception {
    return new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(retrainer),
        clip -> Retrainer.KEY, release -> Retrainer.KEY, Types.STRING);
  }

  private static void feed(KeyedTwoInputStreamOperatorTestHarness<String, ClipInput, ModelRelease, RetrainStatus> h,
      List<LabeledClip> clips) throws Exception {
    for (LabeledClip clip : clips) {
      h.processElement1(new StreamRecord<>(ClipInput.of(clip)));
    }
  }

  /** Advances processing time 1 ms at a time until {@code n} statuses are out (60 s of real time at most). */
  private static List<RetrainStatus> await(
      KeyedTwoInputStreamOperatorTestHarness<String, ClipInput, ModelRelease, RetrainStatus> h, int n)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (h.extractOutputValues().size() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
      h.setProcessingTime(h.getProcessingTime() + 1);
    }
    assertThat(h.extractOutputValues()).hasSize(n);
    return h.extractOutputValues();
  }

  private static List<ModelRelease> releases(
      KeyedTwoInputStreamOperatorTestHarness<String, ClipInput, ModelRelease, RetrainStatus> h) {
    List<ModelRelease> out = new ArrayList<>();
    var side = h.getSideOutput(Retrainer.RELEASES);
    if (side != null) {
      side.forEach(r -> out.add(r.getValue()));
    }
    return out;
  }

  private static ModelRelease release(long version, byte[] artifact) {
    return TestModels.release(version, artifact);
  }

  private static LabeledClip otherBackbone(LabeledClip clip) {
    return LabeledClip.newBuilder(clip).setBackboneId("another-backbone").build();
  }

  @Test
  void stateUsesPojoSerializers() {
    for (Class<?> type : new Class<?>[] {TrainingClip.class, RetrainCursor.class, ParentModel.class}) {
      assertThat(TypeInformation.of(type)).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
    }
  }

  @Test
  void theWindowKeepsTheNewestClipsAndDropsWhatItCannotTrainOn() throws Exception {
    Retrainer.Settings settings = SETTINGS.withWindow(60, 0.25).withTriggers(90, Duration.ZERO);
    List<LabeledClip> clips = TrendClips.clips(ALL, 30, 0, 1);
    try (var h = harness(settings)) {
      feed(h, clips.subList(0, 45));
      LabeledClip framesOnly = LabeledClip.newBuilder(clips.get(0)).setFeatures(null).setFeatureDim(0)
          .setFrames(List.of(ByteBuffer.wrap(new byte[] {1}))).build();
      feed(h, List.of(otherBackbone(clips.get(1)), framesOnly));
      feed(h, clips.subList(45, 90));

      RetrainStatus status = await(h, 1).get(0);
      List<LabeledClip> window = clips.subList(30, 90);
      long heldOut = window.stream().filter(c -> ValidationSplit.isValidation(c, 0.25)).count();
      assertThat(status.getDecision()).isEqualTo(RetrainDecision.PUBLISHED);
      assertThat(status.getTrigger()).isEqualTo("clips");
      assertThat(status.getTrainingClips() + status.getValidationClips()).isEqualTo(60);
      assertThat((long) status.getValidationClips()).isEqualTo(heldOut);
      assertThat(releases(h).get(0).getLineage().getData()).startsWith(
          "training-clips #30..#89: 60 clips (" + (60 - heldOut) + " training, " + heldOut + " validation) captured "
              + window.get(0).getStartTimestamp() + ".." + window.get(59).getEndTimestamp() + ", backbone "
              + TrendClips.BACKBONE + " (dimension " + TrendClips.DIMENSION + ")");
    }
  }

  @Test
  void aReleaseOfAnotherBackboneIsIgnoredAndTheWindowKept() throws Exception {
    List<LabeledClip> clips = TrendClips.clips(ALL, 20, 0, 1);
    try (var h = harness(SETTINGS.withTriggers(60, Duration.ZERO))) {
      feed(h, clips.subList(0, 30));
      h.processElement2(new StreamRecord<>(release(7, TestModels.artifact(7, "another-backbone", 5, 16, 1))));
      feed(h, clips.subList(30, 60));

      RetrainStatus status = await(h, 1).get(0);
      assertThat(status.getDecision()).isEqualTo(RetrainDecision.PUBLISHED);
      assertThat(status.getTrainingClips() + status.getValidationClips()).isEqualTo(60);
      assertThat(status.getParentVersion()).isNull();
      assertThat(status.getVersion()).isEqualTo(8);
    }
  }

  @Test
  void retrainsEveryNClips() throws Exception {
    List<LabeledClip> clips = TrendClips.clips(ALL, 40, 0, 2);
    try (var h = harness(SETTINGS.withTriggers(60, Duration.ZERO))) {
      feed(h, clips.subList(0, 59));
      h.setProcessingTime(NOW + Duration.ofHours(1).toMillis());
      assertThat(h.extractOutputValues()).isEmpty();

      feed(h, clips.subList(59, 60));
      assertThat(await(h, 1).get(0).getTrigger()).isEqualTo("clips");

      feed(h, clips.subList(60, 119));
      h.setProcessingTime(h.getProcessingTime() + Duration.ofHours(1).toMillis());
      assertThat(h.extractOutputValues()).hasSize(1);
      feed(h, clips.subList(119, 120));
      RetrainStatus second = await(h, 2).get(1);
      assertThat(second.getTrigger()).isEqualTo("clips");
      assertThat(second.getTrainingClips() + second.getValidationClips()).isEqualTo(120);
    }
  }

  @Test
  void retrainsOnTheTimerOnlyAfterNewClips() throws Exception {
    long every = Duration.ofMinutes(1).toMillis();
    try (var h = harness(SETTINGS.withTriggers(0, Duration.ofMillis(every)))) {
      feed(h, TrendClips.clips(ALL, 20, 0, 3));
      h.setProcessingTime(NOW + every - 1);
      assertThat(h.extractOutputValues()).isEmpty();

      h.setProcessingTime(NOW + every);
      RetrainStatus first = await(h, 1).get(0);
      assertThat(first.getTrigger()).isEqualTo("timer");
      assertThat(first.getDecision()).isEqualTo(RetrainDecision.PUBLISHED);

      h.setProcessingTime(NOW + 3 * every);
      Thread.sleep(200);
      h.setProcessingTime(NOW + 3 * every + 1);
      assertThat(h.extractOutputValues()).as("no new clips, no retraining").hasSize(1);

      feed(h, TrendClips.clips(ALL, 2, 100_000, 4));
      h.setProcessingTime(NOW + 4 * every);
      assertThat(await(h, 2).get(1).getTrigger()).isEqualTo("timer");
    }
  }

  @Test
  void publishesACandidateThatLearnedTheNewLabelWithMetricsAndLineage() throws Exception {
    byte[] parent = TrendClips.knownModelBytes(3, 16, 5);
    List<LabeledClip> clips = TrendClips.clips(ALL, 30, 1_700_000_000_000L, 6);
    try (var h = harness(SETTINGS)) {
      h.processElement2(new StreamRecord<>(release(3, parent)));
      feed(h, clips);

      RetrainStatus status = await(h, 1).get(0);
      assertThat(status.getDecision()).as(status.getReason()).isEqualTo(RetrainDecision.PUBLISHED);
      assertThat(status.getVersion()).isEqualTo(4);
      assertThat(status.getParentVersion()).isEqualTo(3);
      assertThat(status.getLabels()).containsExactly("rise", "fall", "swing");
      assertThat(status.getAccuracy()).isGreaterThan(status.getParentAccuracy() + 20);
      assertThat(status.getParentAccuracy()).as("the parent cannot name swing").isLessThan(80);
      assertThat(status.getTrainingMs()).isPositive();
      System.out.printf("retrain: %d training / %d validation clips, candidate %.2f%% vs parent %.2f%%, %d LSTM "
          + "parameters, %d ms%n", status.getTrainingClips(), status.getValidationClips(), status.getAccuracy(),
          status.getParentAccuracy(), status.getLstmParams(), status.getTrainingMs());

      List<ModelRelease> released = releases(h);
      assertThat(released).hasSize(1);
      ModelRelease release = released.get(0);
      assertThat(release.getVersion()).isEqualTo(4);
      ModelReleases.Verified verified = ModelReleases.validate(release,
          new BackboneIdentity(TrendClips.BACKBONE, TrendClips.DIMENSION), 3, null);
      assertThat(release.getSha256()).isEqualTo(ModelArtifacts.sha256Hex(verified.bytes()));
      ModelArtifact artifact = verified.artifact();
      ModelManifest m = artifact.manifest();
      assertThat(m.version()).isEqualTo(4);
      assertThat(m.labels()).containsExactly("rise", "fall", "swing");
      assertThat(m.clipLength()).isEqualTo(TrendClips.FRAMES);
      assertThat(release.getMetrics()).containsKeys("accuracy", "parent_accuracy", "lstm_params",
          "parent_lstm_params", "compression_ratio", "training_clips", "validation_clips", "training_ms");
      assertThat(release.getMetrics().get("accuracy")).isEqualTo(status.getAccuracy());
      assertThat(release.getMetrics().get("parent_lstm_params")).isEqualTo(4.0 * (8 * 16 + 16 * 16 + 2 * 16));
      assertThat(release.getMetrics().get("compression_ratio"))
          .isEqualTo(4.0 * (8 * 16 + 16 * 16 + 2 * 16) / artifact.model().lstmParams());
      assertThat(release.getLineage().getParentVersion()).isEqualTo(3);
      assertThat(release.getLineage().getData()).startsWith("training-clips #0..#89: 90 clips");
      assertThat(release.getLineage().getBeta()).isEqualTo(1e-2);
      assertThat(release.getLineage().getBetaInput()).isEqualTo(1e-2);
      assertThat(release.getLineage().getTraining()).startsWith("fine-tuned v3 (dense, H=16): 15 epochs, then 8 VIB");
      assertThat(m.lineage().training()).isEqualTo(release.getLineage().getTraining());

      // the new label on clips neither model has seen
      List<LabeledClip> swings = TrendClips.clips(List.of("swing"), 30, 0, 99);
      try (VectorLstmRuntime runtime = new VectorLstmRuntime(artifact.model())) {
        int named = 0;
        for (LabeledClip clip : swings) {
          float[][][] x = {frames(clip)};
          named += m.labels().get(Evaluator.argMax(runtime.logits(x)[0])).equals("swing") ? 1 : 0;
        }
        assertThat(named).isGreaterThanOrEqualTo(27);
      }
    }
  }

  @Test
  void signsItsReleasesAndTakesOnlyReleasesOfATrustedKeyAsParents() throws Exception {
    ReleaseSigner owner = ReleaseSigner.generate();
    ReleaseSigner job = ReleaseSigner.generate();
    byte[] trusted = TrendClips.knownModelBytes(3, 16, 5);
    ModelRelease v3 = release(3, trusted);
    v3.setSignature(ModelReleases.signature(owner, 3, v3.getSha256()));
    try (var h = unopened(new Retrainer(SETTINGS.withGate(100.0, 0), job, owner.trustedKeys()))) {
      h.setProcessingTime(NOW);
      h.open();
      h.processElement2(new StreamRecord<>(v3));
      h.processElement2(new StreamRecord<>(release(5, TrendClips.knownModelBytes(5, 16, 6)))); // unsigned
      feed(h, TrendClips.clips(ALL, 30, 0, 15));

      RetrainStatus status = await(h, 1).get(0);
      assertThat(status.getDecision()).as(status.getReason()).isEqualTo(RetrainDecision.PUBLISHED);
      assertThat(status.getParentVersion()).as("the unsigned v5 is no parent").isEqualTo(3);
      assertThat(status.getVersion()).as("but its version is taken").isEqualTo(6);
      ModelRelease published = releases(h).get(0);
      BackboneIdentity backbone = new BackboneIdentity(TrendClips.BACKBONE, TrendClips.DIMENSION);
      assertThat(ModelReleases.validate(published, job.trustedKeys(), backbone, 5, null).artifact().manifest()
          .version()).isEqualTo(6);
      assertThatThrownBy(() -> ModelReleases.validate(published, owner.trustedKeys(), backbone, 5, null))
          .hasMessageContaining("signature not by a trusted key: signed by key " + job.fingerprint().substring(0, 16));
    }
  }

  @ParameterizedTest
  @EnumSource(CandidateTraining.Mode.class)
  void aCandidateKeepsTheReadoutOfItsParent(CandidateTraining.Mode mode) throws Exception {
    byte[] parent = ModelArtifacts.toBytes(TrendClips.knownModel(2, 16, Readout.MEAN, 13));
    try (var h = harness(SETTINGS.withGate(100.0, 0).withTraining(TRAINING.withMode(mode)))) {
      h.processElement2(new StreamRecord<>(release(2, parent)));
      feed(h, TrendClips.clips(ALL, 30, 0, 14));

      RetrainStatus status = await(h, 1).get(0);
      assertThat(status.getDecision()).as(status.getReason()).isEqualTo(RetrainDecision.PUBLISHED);
      ModelArtifact candidate = ModelReleases.validate(releases(h).get(0),
          new BackboneIdentity(TrendClips.BACKBONE, TrendClips.DIMENSION), 2, null).artifact();
      assertThat(candidate.model().readout()).isEqualTo(Readout.MEAN);
      assertThat(candidate.manifest().formatVersion()).isEqualTo(3);
    }
  }

  @Test
  void rejectsACandidateWorseThanTheParentBeyondTheTolerance() throws Exception {
    // Mislabeled training clips (rise and fall swapped), correct validation clips: the candidate
    // learns the swap and loses to the parent on the validation clips.
    List<LabeledClip> clips = new ArrayList<>();
    for (LabeledClip clip : TrendClips.clips(TrendClips.KNOWN, 45, 0, 7)) {
      boolean swap = !ValidationSplit.isValidation(clip, 0.25);
      clips.add(swap ? LabeledClip.newBuilder(clip).setLabel(clip.getLabel().equals("rise") ? "fall" : "rise").build()
          : clip);
    }
    try (var h = harness(SETTINGS.withGate(5.0, 0))) {
      h.processElement2(new StreamRecord<>(release(1, TrendClips.knownModelBytes(1, 16, 8))));
      feed(h, clips);

      RetrainStatus status = await(h, 1).get(0);
      assertThat(status.getDecision()).isEqualTo(RetrainDecision.REJECTED);
      assertThat(status.getReason()).contains("is below parent v1's").contains("tolerance of 5.00 points");
      assertThat(status.getAccuracy()).isLessThan(status.getParentAccuracy() - 5);
      assertThat(status.getVersion()).isEqualTo(2);
      assertThat(releases(h)).isEmpty();
    }
  }

  @Test
  void rejectsACandidateOverTheParameterBudget() throws Exception {
    try (var h = harness(SETTINGS.withGate(1.0, 40))) {
      h.processElement2(new StreamRecord<>(release(1, TrendClips.knownModelBytes(1, 16, 9))));
      feed(h, TrendClips.clips(ALL, 30, 0, 10));

      RetrainStatus status = await(h, 1).get(0);
      assertThat(status.getDecision()).isEqualTo(RetrainDecision.REJECTED);
      assertThat(status.getReason()).contains("LSTM parameters, over the budget of 40");
      assertThat(status.getParamBudget()).isEqualTo(40);
      assertThat(status.getLstmParams()).isGreaterThan(40);
      assertThat(releases(h)).isEmpty();
    }
  }

  @Test
  void versionsClimbPastEveryVersionSeenAndThePublishedModelIsTheNextParent() throws Exception {
    byte[] v5 = TrendClips.knownModelBytes(5, 16, 11);
    ModelRelease corrupt = release(9, v5);
    corrupt.setSha256("00");
    try (var h = harness(SETTINGS.withGate(5.0, 0))) {
      h.processElement2(new StreamRecord<>(release(5, v5)));
      h.processElement2(new StreamRecord<>(corrupt)); // refused, but version 9 is taken
      feed(h, TrendClips.clips(ALL, 30, 0, 12));
      RetrainStatus first = await(h, 1).get(0);
      assertThat(first.getDecision()).as(first.getReason()).isEqualTo(RetrainDecision.PUBLISHED);
      assertThat(first.getVersion()).isEqualTo(10);
      assertThat(first.getParentVersion()).isEqualTo(5);

      h.processElement2(new StreamRecord<>(release(7, v5))); // older than the parent v10: not a parent
      h.processElement2(new StreamRecord<>(releases(h).get(0))); // our own release read back
      feed(h, TrendClips.clips(ALL, 30, 100_000, 13));
      RetrainStatus second = await(h, 2).get(1);
      assertThat(second.getDecision()).as(second.getReason()).isEqualTo(RetrainDecision.PUBLISHED);
      assertThat(second.getVersion()).isEqualTo(11);
      assertThat(second.getParentVersion()).isEqualTo(10);
      assertThat(releases(h)).extracting(ModelRelease::getVersion).containsExactly(10L, 11L);
      assertThat(releases(h).get(1).getLineage().getTraining()).startsWith("fine-tuned v10 (compressed");
    }
  }

  @Test
  void aModelArrivingDuringTrainingDiscardsTheCandidateAndTrainsAgain() throws Exception {
    // trained first: DJL's PyTorch gradient collector is one per process
    ModelRelease v2 = release(2, TrendClips.knownModelBytes(2, 16, 15));
    try (var h = harness(SETTINGS)) {
      feed(h, TrendClips.clips(ALL, 30, 0, 14)); // no parent: a fresh candidate starts training
      h.processElement2(new StreamRecord<>(v2));

      List<RetrainStatus> statuses = await(h, 2);
      assertThat(statuses.get(0).getDecision()).isEqualTo(RetrainDecision.SKIPPED);
      assertThat(statuses.get(0).getReason()).contains("model v2 arrived while the candidate trained against no model");
      assertThat(statuses.get(1).getTrigger()).isEqualTo("parent-changed");
      assertThat(statuses.get(1).getParentVersion()).isEqualTo(2);
      assertThat(statuses.get(1).getVersion()).isEqualTo(3);
    }
  }

  @Test
  void aRestoreDuringTrainingTrainsAgainOnTheRestoredWindow() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness(SETTINGS)) {
      feed(h, TrendClips.clips(ALL, 30, 0, 16));
      snapshot = h.snapshot(1, NOW);
    }
    try (var h = unopened(SETTINGS)) {
      h.setup();
      h.initializeState(snapshot);
      h.setProcessingTime(NOW);
      h.open();
      RetrainStatus status = await(h, 1).get(0);
      assertThat(status.getTrigger()).isEqualTo("restart");
      assertThat(status.getDecision()).isEqualTo(RetrainDecision.PUBLISHED);
      assertThat(status.getTrainingClips() + status.getValidationClips()).isEqualTo(90);
    }
  }

  @Test
  void noRetrainingStartsBeforeTheModelsHadTimeToArrive() throws Exception {
    ModelRelease v4 = release(4, TrendClips.knownModelBytes(4, 16, 18));
    Duration settle = Duration.ofSeconds(5);
    try (var h = harness(SETTINGS.withTiming(Duration.ofMillis(1), settle))) {
      feed(h, TrendClips.clips(ALL, 30, 0, 19)); // the count is reached while settling
      h.setProcessingTime(NOW + settle.toMillis() - 1);
      h.processElement2(new StreamRecord<>(v4));
      assertThat(h.extractOutputValues()).isEmpty();

      h.setProcessingTime(NOW + settle.toMillis());
      RetrainStatus status = await(h, 1).get(0);
      assertThat(status.getTrigger()).isEqualTo("clips");
      assertThat(status.getParentVersion()).isEqualTo(4);
      assertThat(status.getVersion()).isEqualTo(5);
    }
  }

  @Test
  void tooFewClipsForACandidateAreSkipped() throws Exception {
    try (var h = harness(SETTINGS.withTriggers(8, Duration.ZERO))) {
      feed(h, TrendClips.clips(List.of("rise"), 8, 0, 17));
      RetrainStatus status = await(h, 1).get(0);
      assertThat(status.getDecision()).isEqualTo(RetrainDecision.SKIPPED);
      assertThat(status.getReason()).contains("a candidate needs at least one of each side and two labels");
    }
  }

  private static float[][] frames(LabeledClip clip) {
    int d = clip.getFeatureDim();
    float[][] out = new float[clip.getFeatures().size() / d][d];
    for (int i = 0; i < clip.getFeatures().size(); i++) {
      out[i / d][i % d] = clip.getFeatures().get(i);
    }
    return out;
  }
}
