package io.vibstream.model.backbone;

import static io.vibstream.model.backbone.ModelFileExtractorsTest.assertOneLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vibstream.model.backbone.BuiltinCnnTrainer.LabeledFrames;
import io.vibstream.model.backbone.BuiltinCnnTrainer.Settings;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains the builtin CNN once on generated shapes, then checks the artifact and its extractor. */
class BuiltinCnnTest {
  @TempDir
  static Path dir;

  static BuiltinCnnArtifact artifact;
  static LabeledFrames validation;
  static int steps;
  static double seconds;

  @BeforeAll
  static void train() {
    LabeledFrames train = ShapeFrames.generate(192, 40, 1);
    validation = ShapeFrames.generate(60, 40, 2);
    AtomicInteger counter = new AtomicInteger();
    long t0 = System.nanoTime();
    artifact = BuiltinCnnTrainer.train(train, validation, ShapeFrames.LABELS,
        Settings.defaults().withSize(32).withEpochs(8).withBatchSize(16).withLearningRate(5e-3),
        step -> counter.incrementAndGet());
    seconds = (System.nanoTime() - t0) / 1e9;
    steps = counter.get();
  }

  @Test
  void trainsWellAboveChanceOnShapes() {
    System.out.printf("builtin CNN: %d steps in %.1f s, metrics %s%n", steps, seconds, artifact.metrics());
    assertThat(steps).isEqualTo(8 * 12);
    assertThat(artifact.metrics().get("validation_accuracy")).as("chance is 1/3").isGreaterThan(0.75);
    assertThat(artifact.id()).matches("builtin-cnn-v1:[0-9a-f]{12}");
    assertThat(artifact.dimension()).isEqualTo(96);
    assertThat(artifact.labels()).isEqualTo(ShapeFrames.LABELS);
  }

  @Test
  void saveLoadRoundTripGivesIdenticalFeatures() throws IOException {
    Path file = dir.resolve("shapes.cnn");
    artifact.write(file);
    BuiltinCnnArtifact loaded = BuiltinCnnArtifact.read(file);
    assertThat(loaded).isEqualTo(artifact);
    List<BufferedImage> frames = validation.frames().subList(0, 8);
    try (FeatureExtractor direct = BuiltinExtractor.of(artifact);
        FeatureExtractor reopened = FeatureExtractors.open("builtin:" + file)) {
      assertThat(reopened.id()).isEqualTo(artifact.id());
      assertThat(reopened.dimension()).isEqualTo(96);
      assertThat(reopened.inputWidth()).isEqualTo(32);
      float[][] a = direct.extract(frames);
      float[][] b = reopened.extract(frames);
      for (int i = 0; i < frames.size(); i++) {
        assertThat(b[i]).containsExactly(a[i]);
      }
    }
  }

  @Test
  void batchOfOneAndBatchOfEightGiveTheSameFeatures() {
    List<BufferedImage> frames = validation.frames().subList(0, 16);
    try (FeatureExtractor extractor = BuiltinExtractor.of(artifact)) {
      float[][] single = extractor.extract(frames, 1);
      float[][] eight = extractor.extract(frames, 8);
      float[][] whole = extractor.extract(frames);
      for (int i = 0; i < frames.size(); i++) {
        assertThat(single[i]).hasSize(96);
        for (int j = 0; j < 96; j++) {
          assertThat(eight[i][j]).isCloseTo(single[i][j], within(1e-5f));
          assertThat(whole[i][j]).isCloseTo(single[i][j], within(1e-5f));
        }
      }
      assertThat(Arrays.stream(single).allMatch(f -> Arrays.equals(f, single[0]))).as("features vary").isFalse();
    }
  }

  @Test
  void corruptTruncatedAndForeignFilesFailWithOneClearLine() throws IOException {
    byte[] good = artifact.toBytes();
    Path flipped = dir.resolve("flipped.cnn");
    byte[] bad = good.clone();
    bad[bad.length - 100] ^= 0x10;
    Files.write(flipped, bad);
    assertOneLine(() -> BuiltinExtractor.open(flipped), flipped + ": invalid builtin CNN file: checksum mismatch");
    Path truncated = dir.resolve("truncated.cnn");
    Files.write(truncated, Arrays.copyOf(good, good.length / 2));
    assertOneLine(() -> FeatureExtractors.open("builtin:" + truncated), truncated + ": invalid builtin CNN file: truncated");
    Path foreign = dir.resolve("foreign.cnn");
    Files.writeString(foreign, "hello, not a model");
    assertOneLine(() -> BuiltinExtractor.open(foreign), foreign + ": invalid builtin CNN file: not a builtin CNN file");
    Path empty = dir.resolve("empty.cnn");
    Files.write(empty, new byte[0]);
    assertOneLine(() -> BuiltinExtractor.open(empty), empty + ": invalid builtin CNN file");
  }

  @Test
  void olderAppearanceFormatsStillLoadAndUnknownVersionsFailClearly() throws IOException {
    assertThat(BuiltinCnnArtifact.FORMAT_VERSION).isEqualTo(3);
    for (int version : new int[] {1, 2}) {
      BuiltinCnnArtifact old = BuiltinCnnArtifact.fromBytes(withVersion(artifact.toBytes(), version), "old.cnn");
      assertThat(old.keypointJoints()).isZero();
      assertThat(old.dimension()).isEqualTo(96);
    }
    Path future = dir.resolve("future.cnn");
    Files.write(future, withVersion(artifact.toBytes(), 4));
    assertOneLine(() -> BuiltinExtractor.open(future),
        future + ": invalid builtin CNN file: unsupported format version 4 (this reader supports 1 to 3)");
  }

  /** The bytes with another format version and a recomputed checksum. */
  private static byte[] withVersion(byte[] bytes, int version) {
    byte[] out = bytes.clone();
    java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(8, version);
    byte[] sha = java.util.HexFormat.of().parseHex(io.vibstream.model.artifact.ModelArtifacts.sha256Hex(
        Arrays.copyOf(out, out.length - 32)));
    System.arraycopy(sha, 0, out, out.length - 32, 32);
    return out;
  }

  @Test
  void untrainedNetworkHasTheRequestedShape() {
    BuiltinCnnArtifact random = BuiltinCnnTrainer.untrained(48, new int[] {8, 16, 24}, List.of("a", "b"), 5);
    try (FeatureExtractor extractor = BuiltinExtractor.of(random)) {
      List<BufferedImage> frames = new ArrayList<>(validation.frames().subList(0, 3));
      float[][] features = extractor.extract(frames);
      assertThat(extractor.dimension()).isEqualTo(24);
      assertThat(features).hasDimensions(3, 24);
    }
  }
}
