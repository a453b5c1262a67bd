package io.vibstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vibstream.model.artifact.Safetensors.Tensor;
import io.vibstream.model.artifact.Safetensors;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureSequencesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LABELS = List.of("walk", "run");

  @TempDir
  Path dir;

  @Test
  void roundTripKeepsFeaturesLabelsAndOrder() throws IOException {
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(dir, "tiny-net", 3, LABELS)) {
      writer.add(clip(4, 0), "run", "train", "videos/run/1.mp4");
      writer.add(clip(4, 100), "walk", "test", null);
      writer.add(clip(4, 200), "walk", "train", null);
    }

    DataSplit split = FeatureSequences.read(dir, 4);

    assertThat(split.description()).isEqualTo("features:" + dir + " (tiny-net, 3)");
    assertThat(split.train().size()).isEqualTo(2);
    assertThat(split.train().classNames()).isEqualTo(LABELS);
    assertThat(split.train().timeSteps()).isEqualTo(4);
    assertThat(split.train().featureDim()).isEqualTo(3);
    assertThat(split.train().sequence(0)).isEqualTo(clip(4, 0));
    assertThat(split.train().label(0)).isEqualTo(1);
    assertThat(split.train().sequence(1)).isEqualTo(clip(4, 200));
    assertThat(split.train().label(1)).isEqualTo(0);
    assertThat(split.test().sequence(0)).isEqualTo(clip(4, 100));
    assertThat(Files.readString(dir.resolve("dataset.json"))).contains("\"source\" : \"videos/run/1.mp4\"");
  }

  @Test
  void clipsComeBackAtTheirOwnLengthFromBothSplits() throws IOException {
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(dir, "tiny-net", 3, LABELS)) {
      writer.add(clip(5, 0), "run", "train", "videos/run/1.mp4");
      writer.add(clip(2, 100), "walk", "test", null);
    }

    List<FeatureSequences.StoredClip> clips = FeatureSequences.clips(dir);

    assertThat(clips).hasSize(2);
    assertThat(clips.get(0).label()).isEqualTo("run");
    assertThat(clips.get(0).split()).isEqualTo("train");
    assertThat(clips.get(0).source()).isEqualTo("videos/run/1.mp4");
    assertThat(clips.get(0).frames()).isEqualTo(clip(5, 0));
    assertThat(clips.get(1).split()).isEqualTo("test");
    assertThat(clips.get(1).source()).isNull();
    assertThat(clips.get(1).frames()).isEqualTo(clip(2, 100));
    Files.delete(dir.resolve("clips/00001.safetensors"));
    assertThatThrownBy(() -> FeatureSequences.clips(dir)).isInstanceOf(InvalidDataException.class)
        .hasMessageContaining("00001.safetensors: no such file");
  }

  @Test
  void readInfoReadsOnlyTheIndex() throws IOException {
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(dir, "tiny-net", 3, LABELS)) {
      writer.add(clip(7, 0), "run", "train", null);
      writer.add(clip(2, 0), "walk", "train", null);
      writer.add(clip(5, 0), "walk", "test", null);
    }
    Files.delete(dir.resolve("clips/00000.safetensors"));

    assertThat(FeatureSequences.readInfo(dir))
        .isEqualTo(new FeatureSequences.Info("tiny-net", 3, LABELS, 2, 1, 2, 7));
  }

  @Test
  void resamplesLongerAndShorterClipsToEvenlySpacedFrames() throws IOException {
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(dir, "tiny-net", 3, LABELS)) {
      writer.add(clip(10, 0), "walk", "train", null);
      writer.add(clip(3, 0), "run", "test", null);
    }

    DataSplit four = FeatureSequences.read(dir, 4);
    assertThat(frameIds(four.train().sequence(0))).containsExactly(0, 2, 5, 7);
    assertThat(frameIds(four.test().sequence(0))).containsExactly(0, 0, 1, 2);

    DataSplit five = FeatureSequences.read(dir, 5);
    assertThat(frameIds(five.train().sequence(0))).containsExactly(0, 2, 4, 6, 8);
    assertThat(frameIds(five.test().sequence(0))).containsExactly(0, 0, 1, 1, 2);
  }

  @Test
  void missingDirectoryAndIndex() throws IOException {
    Path absent = dir.resolve("absent");
    assertRejected(absent, absent + ": no such directory");
    assertRejected(dir, dir + ": missing dataset.json (not a feature dataset directory)");
  }

  @Test
  void unknownFormatAndVersion() throws IOException {
    writeSmallDataset();
    editIndex(root -> root.put("format", "npy-frames"));
    assertRejected(dir, index() + ": unknown format 'npy-frames', expected 'vib-features'");
    editIndex(root -> root.put("format", "vib-features").put("formatVersion", 2));
    assertRejected(dir, index() + ": unsupported formatVersion 2 (this reader supports 1)");
  }

  @Test
  void malformedOrIncompleteIndex() throws IOException {
    writeSmallDataset();
    editIndex(root -> ((ObjectNode) root.get("backbone")).remove("dimension"));
    assertRejected(dir, index() + ": missing field 'backbone.dimension'");
    Files.writeString(index(), "{\"format\": ");
    assertRejected(dir, index() + ": malformed JSON: ");
  }

  @Test
  void unknownLabel() throws IOException {
    writeSmallDataset();
    editIndex(root -> ((ObjectNode) root.withArray("clips").get(1)).put("label", "jump"));
    assertRejected(dir, index() + ": clips[1] (clips/00001.safetensors) has unknown label 'jump'");
  }

  @Test
  void clipWithZeroFrames() throws IOException {
    writeSmallDataset();
    editIndex(root -> ((ObjectNode) root.withArray("clips").get(0)).put("frames", 0));
    assertRejected(dir, index() + ": clips[0] (clips/00000.safetensors) has 0 frames, at least 1 is needed");
  }

  @Test
  void clipFileOutsideTheDirectory() throws IOException {
    writeSmallDataset();
    editIndex(root -> ((ObjectNode) root.withArray("clips").get(0)).put("file", "clips/../../x.safetensors"));
    assertRejected(dir, "clips[0].file 'clips/../../x.safetensors' must be a path inside the dataset directory");
  }

  @Test
  void missingClipFile() throws IOException {
    writeSmallDataset();
    Path clip = dir.resolve("clips/00001.safetensors");
    Files.delete(clip);
    assertRejected(dir, clip + ": no such file (listed in " + index() + ")");
  }

  @Test
  void aClipThatIsADeviceIsRefusedInsteadOfReadForever() throws IOException {
    writeSmallDataset();
    Path clip = dir.resolve("clips/00001.safetensors");
    Files.delete(clip);
    Files.createSymbolicLink(clip, Path.of("/dev/zero"));
    assertRejected(dir, clip + ": not a regular file (a clip file must be one)");
  }

  @Test
  void anIndexAboveTheLimitOrTenThousandLevelsDeepIsRefused() throws IOException {
    writeSmallDataset();
    try (RandomAccessFile sparse = new RandomAccessFile(index().toFile(), "rw")) {
      sparse.setLength(FeatureSequences.MAX_INDEX_BYTES + 1L);
    }
    assertRejected(dir, index() + ": 67108865 bytes, more than the 64 MiB a feature dataset index may have");
    Files.writeString(index(), "{\"format\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}");
    assertRejected(dir, index() + ": malformed JSON: Document nesting depth (65) exceeds the maximum allowed (64");
  }

  @Test
  void dimensionMismatchInAClip() throws IOException {
    writeSmallDataset();
    Path clip = dir.resolve("clips/00000.safetensors");
    Files.write(clip, Safetensors.toBytes(Map.of("features", Tensor.f32(new float[8], 2, 4)), Map.of()));
    assertRejected(dir, clip + ": dimension mismatch: tensor 'features' has shape [2, 4], expected [2, 3]");
  }

  @Test
  void frameCountMismatchAndCorruptClip() throws IOException {
    writeSmallDataset();
    Path clip = dir.resolve("clips/00000.safetensors");
    Files.write(clip, Safetensors.toBytes(Map.of("features", Tensor.f32(new float[9], 3, 3)), Map.of()));
    assertRejected(dir, clip + ": tensor 'features' holds 3 frames but dataset.json says 2");
    Files.write(clip, new byte[] {1, 2});
    assertRejected(dir, clip + ": truncated: 2 bytes");
  }

  @Test
  void emptySplit() throws IOException {
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(dir, "tiny-net", 3, LABELS)) {
      writer.add(clip(2, 0), "walk", "train", null);
    }
    assertRejected(dir, index() + ": no clips in split 'test'");
  }

  @Test
  void writerRejectsBadInput() throws IOException {
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(dir, "tiny-net", 3, LABELS)) {
      assertThatThrownBy(() -> writer.add(new float[][] {{1, 2}}, "walk", "train", null))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("frame 0 has 2 features, expected 3");
      assertThatThrownBy(() -> writer.add(clip(1, 0), "jump", "train", null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown label 'jump'");
      assertThatThrownBy(() -> writer.add(clip(1, 0), "walk", "validation", null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("split must be");
      assertThatThrownBy(() -> writer.add(new float[0][], "walk", "train", null))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("a clip needs at least one frame");
      assertThatThrownBy(() -> writer.add(new float[][] {{1, Float.NaN, 3}}, "walk", "train", null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-finite");
    }
    assertThatThrownBy(() -> FeatureSequences.Writer.create(dir, "tiny-net", 3, LABELS))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThatThrownBy(() -> FeatureSequences.Writer.create(dir.resolve("b"), "tiny-net", 3, List.of("a", "a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distinct");
  }

  /** T frames of 3 features; frame t is {base + t, base + t + 0.25, base + t + 0.5}. */
  private static float[][] clip(int frames, int base) {
    float[][] out = new float[frames][];
    for (int t = 0; t < frames; t++) {
      out[t] = new float[] {base + t, base + t + 0.25f, base + t + 0.5f};
    }
    return out;
  }

  private static int[] frameIds(float[][] sequence) {
    int[] ids = new int[sequence.length];
    for (int k = 0; k < sequence.length; k++) {
      ids[k] = (int) sequence[k][0];
    }
    return ids;
  }

  private void writeSmallDataset() throws IOException {
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(dir, "tiny-net", 3, LABELS)) {
      writer.add(clip(2, 0), "walk", "train", null);
      writer.add(clip(3, 0), "run", "test", null);
    }
  }

  private Path index() {
    return dir.resolve("dataset.json");
  }

  private void editIndex(Consumer<ObjectNode> edit) throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(index().toFile());
    edit.accept(root);
    JSON.writeValue(index().toFile(), root);
  }

  private static void assertRejected(Path dir, String message) {
    assertThatThrownBy(() -> FeatureSequences.read(dir, 4))
        .isInstanceOf(InvalidDataException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
