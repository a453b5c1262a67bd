package io.vibstream.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.Safetensors.Tensor;
import io.vibstream.model.io.JsonFields;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile builtin CNN and preprocessing files: an architecture that would need far more weights
 * than the file holds, an absurd input size or weights length, a file too large to read, all
 * refused with one line before a network or buffer is allocated for them.
 */
class BuiltinCnnLimitsTest {
  private static final Preprocessing PREP = Preprocessing.rgb(8, 8, new float[] {0, 0, 0}, new float[] {1, 1, 1});
  private static final List<String> LABELS = List.of("walk", "run", "sit");

  @TempDir
  Path dir;

  @Test
  void parameterCountIsWhatDjlAllocates() {
    try (NDManager manager = NDManager.newBaseManager(TorchScriptExtractor.ENGINE)) {
      for (int joints : new int[] {0, 5}) {
        int[] channels = joints == 0 ? BuiltinCnn.DEFAULT_CHANNELS : BuiltinCnn.DEFAULT_POSE_CHANNELS;
        SequentialBlock net = BuiltinCnn.withHead(BuiltinCnn.features(channels, joints), LABELS.size());
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
        long djl = net.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
        assertThat(BuiltinCnn.parameterCount(channels, joints, LABELS.size())).as("joints %d", joints).isEqualTo(djl);
      }
    }
  }

  @Test
  void anArchitectureNeedingMoreWeightsThanTheFileHoldsIsRefusedBeforeBuilding() {
    int[] small = {2, 3};
    BuiltinCnnArtifact honest = BuiltinCnnArtifact.create(small, PREP, LABELS, Map.of(),
        weights(BuiltinCnn.parameterCount(small, 0, LABELS.size())));
    assertThat(BuiltinCnnArtifact.fromBytes(honest.toBytes(), "honest.cnn")).isEqualTo(honest);

    int[] huge = {4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096};
    BuiltinCnnArtifact lying = BuiltinCnnArtifact.create(huge, PREP, LABELS, Map.of(), weights(10));
    assertRefused(lying.toBytes(), "invalid builtin CNN file: the weights hold 10 values, channels [4096, 4096, "
        + "4096, 4096, 4096, 4096, 4096, 4096] and 3 labels need " + BuiltinCnn.parameterCount(huge, 0, 3));
  }

  @Test
  void aWeightsLengthNearTwoToTheSixtyThreeIsTruncation() {
    byte[] bytes = BuiltinCnnArtifact.create(new int[] {2}, PREP, LABELS, Map.of(),
        weights(BuiltinCnn.parameterCount(new int[] {2}, 0, 3))).toBytes();
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    in.putLong(16 + in.getInt(12), Long.MAX_VALUE - 20);
    assertRefused(bytes, "invalid builtin CNN file: truncated (weights block of 9223372036854775787 bytes exceeds the file)");
  }

  @Test
  void anInputSizeAboveTheLimitIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("model.json"), "{\"inputWidth\": 100000, \"inputHeight\": 224, "
        + "\"mean\": [0.5, 0.5, 0.5], \"std\": [0.2, 0.2, 0.2]}");
    assertThatThrownBy(() -> Preprocessing.read(file))
        .isInstanceOf(BackboneException.class)
        .hasMessage(file + ": input size must be 1 to 4096 pixels a side, got 100000x224");
  }

  @Test
  void filesAboveTheLimitAreRefusedUnread() throws IOException {
    Path cnn = sparse("huge.cnn", 300L << 20);
    assertThatThrownBy(() -> BuiltinCnnArtifact.read(cnn))
        .isInstanceOf(BackboneException.class)
        .hasMessage(cnn + ": 314572800 bytes, more than the 256 MiB a builtin CNN file may have");
    Path json = sparse("huge.json", 2L << 20);
    assertThatThrownBy(() -> Preprocessing.read(json))
        .isInstanceOf(BackboneException.class)
        .hasMessage(json + ": 2097152 bytes, more than the 1 MiB a preprocessing JSON file may have");
  }

  @Test
  void aManifestTenThousandLevelsDeepIsRefused() {
    byte[] json = ("{\"architecture\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}").getBytes(StandardCharsets.UTF_8);
    byte[] bytes = ByteBuffer.allocate(16 + json.length + 8 + 32).order(ByteOrder.LITTLE_ENDIAN)
        .put("VIBCNN\0\0".getBytes(StandardCharsets.US_ASCII)).putInt(3).putInt(json.length).put(json).putLong(0)
        .array();
    byte[] sha = HexFormat.of().parseHex(ModelArtifacts.sha256Hex(Arrays.copyOf(bytes, bytes.length - 32)));
    byte[] sealed = bytes.clone();
    System.arraycopy(sha, 0, sealed, sealed.length - 32, 32);
    assertRefused(sealed, "invalid builtin CNN file: malformed manifest JSON: Document nesting depth (65) exceeds "
        + "the maximum allowed (" + JsonFields.MAX_DEPTH);
  }

  private Path sparse(String name, long length) throws IOException {
    Path file = dir.resolve(name);
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.setLength(length);
    }
    return file;
  }

  private static Map<String, Tensor> weights(long count) {
    return Map.of("weights", Tensor.f32(new float[(int) count], count));
  }

  private static void assertRefused(byte[] bytes, String message) {
    assertThatThrownBy(() -> BuiltinCnnArtifact.fromBytes(bytes, "x.cnn"))
        .isInstanceOf(BackboneException.class)
        .hasMessageStartingWith("x.cnn: " + message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
