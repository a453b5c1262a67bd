package io.vibstream.model.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the feature dataset reader with Jazzer (docs/fuzzing.md). An input
 * is a {@code dataset.json} and a clip file: a big-endian u16 length, that many bytes of index,
 * then the clip's bytes, written as {@code DIR/dataset.json} and {@code DIR/clips/00000.safetensors}.
 * Reading the index, the clips and the resampled splits either succeeds or is refused with one
 * {@link InvalidDataException} line; anything else is a finding. Seeded with a written dataset of
 * a training and a test clip.
 */
class FeatureSequencesFuzzTest {
  private static final Path DIR = temporaryDirectory();

  static Stream<byte[]> featureDataset() throws IOException {
    Path seed = Files.createTempDirectory(DIR.getParent(), "seed");
    float[][] frames = {{1, 2, 3}, {4, 5, 6}};
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(seed, "tiny-net", 3, List.of("walk", "run"))) {
      writer.add(frames, "walk", "train", "videos/walk/1.mp4");
      writer.add(frames, "run", "test", null);
    }
    byte[] clip = Files.readAllBytes(seed.resolve("clips/00000.safetensors"));
    // both entries name the one clip file an input carries
    String index = Files.readString(seed.resolve(FeatureSequences.INDEX_FILE)).replace("00001", "00000");
    return Stream.of(frame(index.getBytes(StandardCharsets.UTF_8), clip));
  }

  @MethodSource
  @FuzzTest
  void featureDataset(byte[] input) throws IOException {
    int indexLength = input.length < 2 ? 0 : Math.min(input.length - 2, ((input[0] & 0xff) << 8) | (input[1] & 0xff));
    int start = Math.min(input.length, 2);
    Files.write(DIR.resolve(FeatureSequences.INDEX_FILE), Arrays.copyOfRange(input, start, start + indexLength));
    Files.write(DIR.resolve("clips/00000.safetensors"), Arrays.copyOfRange(input, start + indexLength, input.length));
    try {
      FeatureSequences.readInfo(DIR);
      FeatureSequences.clips(DIR);
      FeatureSequences.read(DIR, 3);
    } catch (InvalidDataException e) {
      if (e.getMessage().isBlank() || e.getMessage().contains("\n") || e.getMessage().contains("\r")) {
        throw new AssertionError("not a one-line refusal: " + e.getMessage(), e);
      }
    }
  }

  private static byte[] frame(byte[] index, byte[] clip) {
    return ByteBuffer.allocate(2 + index.length + clip.length).putShort((short) index.length).put(index).put(clip)
        .array();
  }

  /** A directory under the module's target/, rewritten for every input. */
  private static Path temporaryDirectory() {
    try {
      Path dir = Path.of("target", "feature-fuzz", "dataset");
      Files.createDirectories(dir.resolve("clips"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
