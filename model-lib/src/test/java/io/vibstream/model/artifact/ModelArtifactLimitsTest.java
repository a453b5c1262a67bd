package io.vibstream.model.artifact;

import static io.vibstream.model.artifact.ArtifactFixtures.artifact;
import static io.vibstream.model.artifact.ArtifactFixtures.assemble;
import static io.vibstream.model.artifact.ArtifactFixtures.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.model.artifact.ArtifactFixtures.Parts;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile {@code .vib} files: sizes, shapes and nesting that claim far more than the bytes hold
 * are refused with one line before anything is allocated for them.
 */
class ModelArtifactLimitsTest {
  @TempDir
  Path dir;

  private final byte[] bytes = ModelArtifacts.toBytes(artifact(3L));
  private final Parts parts = split(bytes);

  @Test
  void aManifestLengthOfFourGibibytesInASmallFileIsTruncation() {
    byte[] hostile = bytes.clone();
    ByteBuffer.wrap(hostile).order(ByteOrder.LITTLE_ENDIAN).putInt(12, -1);
    assertProblem(hostile, "truncated: expected at least 4294967351 bytes, found " + bytes.length);
  }

  @Test
  void aManifestAboveOneMebibyteIsRefusedUnparsed() {
    byte[] manifest = ("{\"pad\": \"" + " ".repeat(ModelArtifacts.MAX_MANIFEST_BYTES) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
    assertProblem(assemble(1, manifest, parts.block()), "manifest of " + manifest.length
        + " bytes is longer than the 1048576 bytes this reader accepts");
  }

  @Test
  void aManifestTenThousandLevelsDeepIsRefused() {
    byte[] manifest = ("{\"labels\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}")
        .getBytes(StandardCharsets.UTF_8);
    assertProblem(assemble(1, manifest, parts.block()),
        "malformed manifest JSON: Document nesting depth (65) exceeds the maximum allowed (64");
  }

  @Test
  void aTensorBlockLengthOfTwoToTheSixtyThreeIsTruncation() {
    byte[] hostile = bytes.clone();
    ByteBuffer.wrap(hostile).order(ByteOrder.LITTLE_ENDIAN).putLong(16 + parts.manifest().length, Long.MIN_VALUE);
    BigInteger expected = BigInteger.ONE.shiftLeft(63).add(BigInteger.valueOf(56 + parts.manifest().length));
    assertProblem(hostile, "truncated: expected " + expected + " bytes, found " + bytes.length);
  }

  @Test
  void aSafetensorsHeaderLengthBeyondTheBlockIsRefused() {
    byte[] block = parts.block().clone();
    ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -2);
    assertProblem(assemble(1, parts.manifest(), block),
        "invalid tensor block: header length 18446744073709551614 exceeds the " + (block.length - 8) + " bytes");
  }

  @Test
  void tensorsClaimingTwoToTheThirtyOneElementsAreRefused() {
    assertProblem(assemble(1, parts.manifest(), block("[2147483648]", "[0,8589934592]", 0)),
        "invalid tensor block: tensor 'w': dimension outside [0, 2^31 - 1] in shape [2147483648]");
    assertProblem(assemble(1, parts.manifest(), block("[65536,32768]", "[0,4]", 4)),
        "invalid tensor block: tensor 'w': F32 [65536, 32768] needs 2147483648 x 4 bytes, but data_offsets span 4");
    assertProblem(assemble(1, parts.manifest(), block("[4294967296,4294967296]", "[0,4]", 4)),
        "invalid tensor block: tensor 'w': dimension outside [0, 2^31 - 1]");
    assertProblem(assemble(1, parts.manifest(), block("[1]", "[0,9223372036854775807]", 4)),
        "invalid tensor block: tensor 'w': data_offsets [0, 9223372036854775807] out of range for the 4-byte");
  }

  @Test
  void aFileAboveTheLimitIsRefusedUnread() throws IOException {
    Path file = dir.resolve("huge.vib");
    try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(300L << 20);
    }
    assertThatThrownBy(() -> ModelArtifacts.read(file))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessage(file + ": 314572800 bytes, more than the 256 MiB a .vib model file may have");
    assertThatThrownBy(() -> ModelArtifacts.read(Path.of("/dev/zero")))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessage("/dev/zero: not a regular file (a .vib model file must be one)");
  }

  @Test
  void untrustedTextInAReasonIsEscapedOntoOneLine() {
    String manifest = new String(parts.manifest(), StandardCharsets.UTF_8).replace("\"walk\"", "\"\\n\\r\"");
    assertProblem(assemble(1, manifest.getBytes(StandardCharsets.UTF_8), parts.block()),
        "invalid manifest: labels must be non-blank strings, found '\\n\\r'");
  }

  /** A tensor block of one tensor 'w' with the given shape and data offsets, followed by {@code dataBytes} zeros. */
  private static byte[] block(String shape, String offsets, int dataBytes) {
    byte[] header = ("{\"w\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}")
        .getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(header.length).put(header).array();
  }

  private static void assertProblem(byte[] vib, String problem) {
    assertThatThrownBy(() -> ModelArtifacts.fromBytes(vib, "models-0@3"))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageStartingWith("models-0@3: ")
        .hasMessageContaining(problem)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r"));
  }
}
