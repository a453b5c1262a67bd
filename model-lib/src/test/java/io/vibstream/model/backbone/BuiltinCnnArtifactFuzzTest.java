package io.vibstream.model.backbone;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vibstream.model.artifact.Safetensors.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the builtin CNN file reader with Jazzer (docs/fuzzing.md), seeded
 * with an appearance and a pose network file. Any bytes either parse, and then write and parse to
 * an equal artifact, or are refused with one {@link BackboneException} line. Each input is also
 * tried resealed (weights length and SHA-256 trailer made to fit) to reach the manifest and
 * weights checks behind the checksum. The network itself is not built: parsing already checks that
 * the weights are as many as the architecture needs.
 */
class BuiltinCnnArtifactFuzzTest {
  private static final int PREFIX = 16;
  private static final int SHA_BYTES = 32;

  static Stream<byte[]> builtinCnnFile() {
    Preprocessing prep = Preprocessing.rgb(8, 8, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f});
    int[] appearance = {2, 3};
    int[] pose = {2, 2, 2};
    List<String> labels = List.of("walk", "run");
    return Stream.of(
        BuiltinCnnArtifact.create(appearance, 0, prep, labels, Map.of("validation_accuracy", 0.5),
            weights(BuiltinCnn.parameterCount(appearance, 0, labels.size()))),
        BuiltinCnnArtifact.create(pose, 2, prep, labels, Map.of(),
            weights(BuiltinCnn.parameterCount(pose, 2, labels.size()))))
        .map(BuiltinCnnArtifact::toBytes);
  }

  @MethodSource
  @FuzzTest
  void builtinCnnFile(byte[] input) {
    parseOrRefuse(input);
    parseOrRefuse(resealed(input));
  }

  private static Map<String, Tensor> weights(long count) {
    float[] values = new float[(int) count];
    for (int i = 0; i < values.length; i++) {
      values[i] = (i % 7 - 3) / 8f;
    }
    return Map.of("weights", Tensor.f32(values, count));
  }

  private static void parseOrRefuse(byte[] bytes) {
    BuiltinCnnArtifact parsed;
    try {
      parsed = BuiltinCnnArtifact.fromBytes(bytes, "fuzz");
    } catch (BackboneException e) {
      if (e.getMessage().isBlank() || e.getMessage().contains("\n") || e.getMessage().contains("\r")) {
        throw new AssertionError("not a one-line refusal: " + e.getMessage(), e);
      }
      return;
    }
    if (!parsed.equals(BuiltinCnnArtifact.fromBytes(parsed.toBytes(), "rewritten"))) {
      throw new AssertionError("a parsed builtin CNN file does not survive write and parse");
    }
  }

  private static byte[] resealed(byte[] bytes) {
    if (bytes.length < PREFIX + 8 + SHA_BYTES) {
      return bytes;
    }
    byte[] out = bytes.clone();
    ByteBuffer buffer = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    long manifest = Integer.toUnsignedLong(buffer.getInt(12));
    if (PREFIX + manifest + 8 + SHA_BYTES <= out.length) {
      buffer.putLong(PREFIX + (int) manifest, out.length - PREFIX - manifest - 8 - SHA_BYTES);
    }
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(out, 0, out.length - SHA_BYTES);
      System.arraycopy(digest.digest(), 0, out, out.length - SHA_BYTES, SHA_BYTES);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return out;
  }
}
