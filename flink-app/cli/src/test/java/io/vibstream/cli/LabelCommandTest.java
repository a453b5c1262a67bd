package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.connectors.kafka.AvroDeserializer;
import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.synth.SyntheticVideos;
import io.vibstream.flink.functions.Retrainer;
import io.vibstream.flink.functions.TestModels;
import io.vibstream.flink.records.ClipInput;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.backbone.BackboneIdentity;
import io.vibstream.model.backbone.BuiltinCnnArtifact;
import io.vibstream.model.backbone.BuiltinCnnTrainer;
import io.vibstream.model.data.FeatureSequences;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.model.pose.PoseJoints;
import io.vibstream.model.release.ModelReleases;
import io.vibstream.model.training.CandidateTraining;
import io.vibstream.schemas.LabeledClip;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.RetrainDecision;
import io.vibstream.schemas.RetrainStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vibstream label} against a real broker (a backbone's features, a feature directory, a
 * tracked person of vtest.avi through the real BlazePose estimator and tracker, fine-tuned on by
 * the retrain operator), and the one-line errors of {@code label} and {@code retrain}.
 */
class LabelCommandTest {
  private static final Pattern TRACK_LINE = Pattern.compile("track=(\\d+) frames=(\\d+)\\.\\.(\\d+) seen=(\\d+) .*");

  @AutoClose
  static EmbeddedKafka kafka;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void broker() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createMissingTopics();
  }

  @Test
  void aVideoRunThroughTheBackboneBecomesOneClip() throws Exception {
    Path video = SyntheticVideos.write(tmp.resolve("videos"), 1, 1, 4, 32, 32, 12, 10).clips().get(0).path();
    BuiltinCnnArtifact cnn = BuiltinCnnTrainer.untrained(32, new int[] {4, 8}, TestModels.LABELS, 3);
    Path cnnFile = tmp.resolve("cnn.bin");
    cnn.write(cnnFile);
    kafka.createTopic("clips-video", 1, false);

    Cli label = Cli.run("label", "--bootstrap", kafka.bootstrapServers(), "--label", "wave", "--video",
        video.toString(), "--backbone", "builtin:" + cnnFile, "--from-frame", "2", "--to-frame", "6",
        "--topic", "clips-video");

    assertThat(label.exitCode()).as(label.err()).isZero();
    assertThat(label.lastLine()).isEqualTo("published 1 clips {wave=1} of backbone " + cnn.id() + " (dimension "
        + cnn.dimension() + ") to clips-video");
    LabeledClip clip = read("clips-video", 1).get(0);
    assertThat(clip.getLabel()).isEqualTo("wave");
    assertThat(clip.getCameraId()).isEqualTo(video.getFileName().toString());
    assertThat(clip.getBackboneId()).isEqualTo(cnn.id());
    assertThat(clip.getFeatureDim()).isEqualTo(cnn.dimension());
    assertThat(clip.getFeatures()).hasSize(5 * cnn.dimension());
    assertThat(clip.getStartTimestamp().toEpochMilli()).isEqualTo(Files.getLastModifiedTime(video).toMillis());
  }

  @Test
  void aFeatureDirectoryBecomesClipsWithTheirOwnLabels() throws Exception {
    Path dir = tmp.resolve("features");
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(dir, "net", 2, List.of("walk", "run"))) {
      writer.add(frames(6, 0), "walk", "train", "videos/walk/1.avi");
      writer.add(frames(3, 100), "run", "test", null);
      writer.add(frames(6, 200), "run", "train", null);
    }
    kafka.createTopic("clips-all", 1, false);
    kafka.createTopic("clips-run", 1, false);

    Cli all = Cli.run("label", "--bootstrap", kafka.bootstrapServers(), "--features-dir", dir.toString(),
        "--topic", "clips-all");
    Cli run = Cli.run("label", "--bootstrap", kafka.bootstrapServers(), "--features-dir", dir.toString(),
        "--label", "run", "--from-frame", "1", "--to-frame", "4", "--topic", "clips-run");

    assertThat(all.exitCode()).as(all.err()).isZero();
    assertThat(all.lastLine()).isEqualTo("published 3 clips {run=2, walk=1} of backbone net (dimension 2) to clips-all");
    List<LabeledClip> clips = read("clips-all", 3);
    assertThat(clips).extracting(LabeledClip::getLabel).containsExactly("walk", "run", "run");
    assertThat(clips).extracting(LabeledClip::getCameraId).containsExactly("videos/walk/1.avi", "features#1",
        "features#2");
    assertThat(clips.get(1).getFeatures()).containsExactly(100f, 100.5f, 101f, 101.5f, 102f, 102.5f);
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<LabeledClip> runs = read("clips-run", 2);
    assertThat(runs).extracting(LabeledClip::getLabel).containsOnly("run");
    assertThat(runs.get(0).getFeatures()).containsExactly(101f, 101.5f, 102f, 102.5f);
    assertThat(runs.get(1).getFeatures()).hasSize(4 * 2);
  }

  /** vtest.avi from bin/setup, found by walking up to the folder that holds bin/setup. */
  private static Path vtest() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("bin/setup"))) {
        Path video = d.resolve(".media/vtest.avi");
        assertThat(video).as("run bin/setup").isRegularFile();
        return video;
      }
    }
    throw new AssertionError("no bin/setup above " + Path.of("").toAbsolutePath());
  }

  /** track id -> seen frames, from --list-tracks output over frames 30..60. */
  private static Map<Long, int[]> listTracks(Path video) {
    Cli list = Cli.run("label", "--video", video.toString(), "--list-tracks", "--from-frame", "30", "--to-frame", "60");
    assertThat(list.exitCode()).as(list.err()).isZero();
    Map<Long, int[]> tracks = new java.util.TreeMap<>();
    String[] lines = list.out().strip().split("\n");
    for (int i = 0; i < lines.length - 1; i++) {
      Matcher m = TRACK_LINE.matcher(lines[i].strip());
      assertThat(m.matches()).as(lines[i]).isTrue();
      int first = Integer.parseInt(m.group(2));
      int last = Integer.parseInt(m.group(3));
      assertThat(first).isBetween(30, last);
      assertThat(last).isLessThanOrEqualTo(60);
      tracks.put(Long.parseLong(m.group(1)), new int[] {first, last, Integer.parseInt(m.group(4))});
    }
    assertThat(list.lastLine()).isEqualTo("tracks=" + tracks.size() + " frames=30..60");
    return tracks;
  }

  @Test
  void aTrackedPersonOfARealVideoBecomesOneClipThatTheRetrainJobFineTunesOn() throws Exception {
    Path video = vtest();
    Map<Long, int[]> tracks = listTracks(video);
    assertThat(tracks).as("people walk through vtest.avi's frames 30..60").hasSizeGreaterThanOrEqualTo(2);
    List<Long> longest = tracks.keySet().stream()
        .sorted((a, b) -> Integer.compare(tracks.get(b)[2], tracks.get(a)[2])).limit(2).toList();
    kafka.createTopic("clips-person", 1, false);

    // the same range in video time: vtest.avi runs at 10 fps
    Cli walk = Cli.run("label", "--bootstrap", kafka.bootstrapServers(), "--video", video.toString(), "--pose",
        "lite", "--track", String.valueOf(longest.get(0)), "--from", "3s", "--to", "6s", "--label", "walk",
        "--topic", "clips-person");
    Cli wave = Cli.run("label", "--bootstrap", kafka.bootstrapServers(), "--video", video.toString(), "--track",
        String.valueOf(longest.get(1)), "--from-frame", "30", "--to-frame", "60", "--label", "wave",
        "--topic", "clips-person");

    assertThat(walk.exitCode()).as(walk.err()).isZero();
    assertThat(wave.exitCode()).as(wave.err()).isZero();
    assertThat(walk.lastLine()).isEqualTo("published 1 clips {walk=1} of backbone " + PersonFeatures.ID
        + " (dimension 53) to clips-person");
    List<LabeledClip> clips = read("clips-person", 2);
    for (int i = 0; i < 2; i++) {
      LabeledClip clip = clips.get(i);
      long id = longest.get(i);
      int frames = clip.getFeatures().size() / PersonFeatures.DIMENSION;
      assertThat(clip.getLabel()).isEqualTo(i == 0 ? "walk" : "wave");
      assertThat(clip.getCameraId()).isEqualTo("vtest/track-" + id);
      assertThat(clip.getBackboneId()).isEqualTo(PersonFeatures.ID);
      assertThat(clip.getFeatureDim()).isEqualTo(53);
      assertThat(clip.getFeatures()).hasSize(frames * 53);
      // the estimator is not bit-for-bit repeatable across instances: the track's frames, nearly
      assertThat(frames).as("track %d's frames in 30..60", id).isBetween(tracks.get(id)[2] - 2, 31);
      long millis = Files.getLastModifiedTime(video).toMillis();
      assertThat(clip.getStartTimestamp().toEpochMilli() - millis).isBetween(2_900L, 6_000L);
      assertThat(clip.getEndTimestamp()).isAfter(clip.getStartTimestamp());
      for (int t = 0; t < frames; t++) {
        List<Float> f = clip.getFeatures().subList(t * 53, (t + 1) * 53);
        assertThat(f).allMatch(Float::isFinite);
        assertThat(f.subList(2 * PoseJoints.COUNT, 3 * PoseJoints.COUNT)).allMatch(v -> v >= 0 && v <= 1);
        assertThat(f.subList(0, 2 * PoseJoints.COUNT)).as("a skeleton, not zeros").anyMatch(v -> v != 0);
      }
    }

    // the retrain operator fine-tunes a person model (person-skeleton-v2, D = 53) on windows of them
    int length = 8;
    byte[] parent = TestModels.artifact(3, PersonFeatures.ID, PersonFeatures.DIMENSION, length, 5);
    List<LabeledClip> windows = new ArrayList<>();
    for (LabeledClip clip : clips) {
      int frames = clip.getFeatures().size() / 53;
      for (int start = 0; start + length <= frames; start += 2) {
        windows.add(LabeledClip.newBuilder(clip)
            .setStartTimestamp(clip.getStartTimestamp().plusMillis(100L * start))
            .setFeatures(clip.getFeatures().subList(start * 53, (start + length) * 53)).build());
      }
    }
    CandidateTraining.Settings training =
        new CandidateTraining.Settings(CandidateTraining.Mode.FINE_TUNE, 16, 10, 5, 5, 8, 1e-2, 1e-2, 1e-2, length, 1);
    Retrainer.Settings settings = new Retrainer.Settings(1000, 0.25, windows.size(), Duration.ZERO, 100.0, 0,
        Duration.ofMillis(1), Duration.ZERO, training);
    try (var h = new KeyedTwoInputStreamOperatorTestHarness<String, ClipInput, ModelRelease, RetrainStatus>(
        new KeyedCoProcessOperator<>(new Retrainer(settings)), c -> Retrainer.KEY, r -> Retrainer.KEY,
        Types.STRING)) {
      h.setProcessingTime(1_000_000_000L);
      h.open();
      h.processElement2(new StreamRecord<>(TestModels.release(3, parent)));
      for (LabeledClip w : windows) {
        h.processElement1(new StreamRecord<>(ClipInput.of(w)));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (h.extractOutputValues().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
        h.setProcessingTime(h.getProcessingTime() + 1);
      }
      assertThat(h.extractOutputValues()).hasSize(1);
      RetrainStatus status = h.extractOutputValues().get(0);
      assertThat(status.getDecision()).as(status.getReason()).isEqualTo(RetrainDecision.PUBLISHED);
      assertThat(status.getParentVersion()).isEqualTo(3);
      assertThat(status.getTrainingClips() + status.getValidationClips()).isEqualTo(windows.size());
      assertThat(status.getLabels()).contains("walk", "wave");
      List<ModelRelease> released = new ArrayList<>();
      h.getSideOutput(Retrainer.RELEASES).forEach(r -> released.add(r.getValue()));
      assertThat(released).hasSize(1);
      assertThat(released.get(0).getLineage().getData()).contains("backbone " + PersonFeatures.ID + " (dimension 53)");
      ModelManifest m = ModelReleases.validate(released.get(0),
          new BackboneIdentity(PersonFeatures.ID, PersonFeatures.DIMENSION), 3, null).artifact().manifest();
      assertThat(m.version()).isEqualTo(4);
      assertThat(m.backbone()).isEqualTo(new ModelManifest.Backbone(PersonFeatures.ID, 53));
      assertThat(m.clipLength()).isEqualTo(length);
      assertThat(m.lineage().training()).startsWith("fine-tuned v3");
    }
  }

  @Test
  void aTrackOrRangeThatIsNotThereSaysSoInOneLine() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Path video = vtest();
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--video", video.toString(), "--track", "99",
        "--from-frame", "30", "--to-frame", "40", "--label", "walk"), 1, "track 99 is not in frames 30..40 of "
        + video + " (tracks there: [");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--video", video.toString(), "--track", "1",
        "--from-frame", "5000", "--label", "walk"), 1, "vtest.avi has 795 frames, the range's first frame 5000 is "
        + "past its end");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--video", video.toString(), "--track", "1",
        "--from", "8s", "--to", "3s", "--label", "walk"), 1, "the range is empty: frames 80..30 at 10.00 fps");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--video", video.toString(), "--track", "1",
        "--from", "soon", "--label", "walk"), 1, "--from soon: not a time >= 0 such as 3.5s or 800ms");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--video", video.toString(), "--track", "1",
        "--from-frame", "9", "--to-frame", "3", "--label", "walk"), 1, "need 0 <= --from-frame <= --to-frame");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--video", video.toString(), "--track", "1",
        "--from-frame", "3", "--from", "1s", "--label", "walk"), 1, "give a range in frames");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--video", tmp.resolve("gone.avi").toString(),
        "--track", "1", "--label", "walk"), 1, "gone.avi: no such video file");
    assertOneLine(Cli.run("label", "--video", tmp.resolve("gone.avi").toString(), "--list-tracks"), 1,
        "gone.avi: no such video file");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--video", video.toString(), "--track", "1"), 1,
        "--label ACTION is required with --video");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--video", video.toString(), "--track", "1",
        "--list-tracks"), 1, "give either");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--video", video.toString(), "--backbone", "builtin:x",
        "--track", "1", "--label", "walk"), 1, "give either");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--features-dir", "d", "--pose", "full"), 1,
        "--pose, --from and --to go with --track or --list-tracks");
    assertOneLine(Cli.run("label", "--video", video.toString(), "--track", "1", "--label", "walk"), 2,
        "Missing required option: '--bootstrap");
  }

  @Test
  void wrongPathsAndFlagsSayWhatIsWrongInOneLine() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--features-dir", tmp.resolve("nope").toString()), 1,
        "no such directory");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--label", "wave", "--video",
        tmp.resolve("nope.avi").toString(), "--backbone", "builtin:x"), 1, "nope.avi: no such video file");
    String either = "give either --video FILE --backbone SPEC or --features-dir DIR";
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--label", "wave", "--video", "x.avi"), 1, either);
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--video", "x.avi", "--backbone", "builtin:x",
        "--features-dir", "d"), 1, either);
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap), 1, either);
    assertOneLine(Cli.run("label", "--label", "wave", "--features-dir", "d"), 2, "Missing required option: '--bootstrap");
    Path video = SyntheticVideos.write(tmp.resolve("bad"), 1, 1, 4, 32, 32, 4, 10).clips().get(0).path();
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--video", video.toString(), "--backbone", "builtin:x"),
        1, "--label ACTION is required with --video");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--label", "wave", "--video", video.toString(),
        "--backbone", "builtin:" + tmp.resolve("none.bin")), 1, "no such file");
    Path dir = tmp.resolve("one");
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(dir, "net", 2, List.of("walk"))) {
      writer.add(frames(3, 0), "walk", "train", null);
    }
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--features-dir", dir.toString(), "--label", "run"), 1,
        "has no clips labeled 'run' (labels: [walk])");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--features-dir", dir.toString(), "--from-frame", "3"),
        1, "has no clip longer than --from-frame 3");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--features-dir", dir.toString(), "--from-frame", "2",
        "--to-frame", "1"), 1, "need 0 <= --from-frame <= --to-frame");
    assertOneLine(Cli.run("label", "--bootstrap", bootstrap, "--features-dir", dir.toString(), "--topic", "nope"), 1,
        "topic(s) [nope] do not exist");

    assertOneLine(Cli.run("retrain", "--bootstrap", bootstrap, "--every-clips", "0", "--every", "0"), 1,
        "one trigger must be on");
    assertOneLine(Cli.run("retrain", "--bootstrap", bootstrap, "--every", "often"), 2,
        "'often' is not a duration");
    assertOneLine(Cli.run("retrain", "--bootstrap", bootstrap, "--mode", "guess"), 1,
        "--mode must be fine-tune or fresh");
    assertOneLine(Cli.run("retrain", "--bootstrap", bootstrap, "--validation-share", "1.5"), 1,
        "validationShare=1.5");
    assertOneLine(Cli.run("retrain", "--bootstrap", bootstrap, "--clips-topic", "nope"), 1,
        "topic(s) [nope] do not exist");
  }

  private static void assertOneLine(Cli cli, int exitCode, String message) {
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(exitCode);
    assertThat(cli.err().strip()).doesNotContain("\n").contains(message);
  }

  /** Frame t holds {@code base + t}, {@code base + t + 0.5}. */
  private static float[][] frames(int n, int base) {
    float[][] out = new float[n][];
    for (int t = 0; t < n; t++) {
      out[t] = new float[] {base + t, base + t + 0.5f};
    }
    return out;
  }

  private static List<LabeledClip> read(String topic, int n) {
    List<LabeledClip> out = new ArrayList<>();
    try (KafkaConsumer<String, LabeledClip> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "label-test-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
        new AvroDeserializer<>(LabeledClip.class))) {
      consumer.subscribe(List.of(topic));
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (out.size() < n && System.nanoTime() < end) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
      }
    }
    assertThat(out).hasSize(n);
    return out;
  }
}
