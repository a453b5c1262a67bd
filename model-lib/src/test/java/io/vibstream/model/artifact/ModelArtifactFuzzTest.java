package io.vibstream.model.artifact;

import static io.vibstream.model.artifact.ArtifactFixtures.artifact;
import static io.vibstream.model.artifact.ArtifactFixtures.deltasArtifact;
import static io.vibstream.model.artifact.ArtifactFixtures.meanReadoutArtifact;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the {@code .vib} loader with Jazzer (docs/fuzzing.md), seeded with
 * real artifacts of every format version. Any bytes either load, and then write and load again
 * to the same bytes, or are refused with one {@link InvalidArtifactException} line; anything else
 * (an OutOfMemoryError, a StackOverflowError, another exception) is a finding. Each input is also
 * tried resealed, its block length and SHA-256 trailer made to fit, so that mutations reach the
 * manifest and tensor parsers behind the checksum.
 */
class ModelArtifactFuzzTest {

  static Stream<byte[]> vibArtifact() {
    return Stream.of(artifact(3L), artifact(null), deltasArtifact(), meanReadoutArtifact())
        .map(ModelArtifacts::toBytes);
  }

  @MethodSource
  @FuzzTest
  void vibArtifact(byte[] input) {
    loadOrRefuse(input);
    loadOrRefuse(resealed(input));
  }

  private static void loadOrRefuse(byte[] bytes) {
    ModelArtifact loaded;
    try {
      loaded = ModelArtifacts.fromBytes(bytes, "fuzz");
    } catch (InvalidArtifactException e) {
      if (e.getMessage().isBlank() || e.getMessage().contains("\n") || e.getMessage().contains("\r")) {
        throw new AssertionError("not a one-line refusal: " + e.getMessage(), e);
      }
      return;
    }
    byte[] written = ModelArtifacts.toBytes(loaded);
    byte[] again = ModelArtifacts.toBytes(ModelArtifacts.fromBytes(written, "rewritten"));
    if (!Arrays.equals(written, again)) {
      throw new AssertionError("a loaded artifact does not survive write, load, write");
    }
  }

  /** {@code bytes} with the tensor block length that its size implies and a valid SHA-256 trailer, if long enough. */
  private static byte[] resealed(byte[] bytes) {
    if (bytes.length < 56) {
      return bytes;
    }
    byte[] out = bytes.clone();
    ByteBuffer buffer = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    long manifest = Integer.toUnsignedLong(buffer.getInt(12));
    if (56 + manifest <= out.length) {
      buffer.putLong(16 + (int) manifest, out.length - 56 - manifest);
    }
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(out, 0, out.length - 32);
      System.arraycopy(digest.digest(), 0, out, out.length - 32, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return out;
  }
}
