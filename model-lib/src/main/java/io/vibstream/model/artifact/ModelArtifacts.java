package io.vibstream.model.artifact;

import io.vibstream.model.artifact.Safetensors.Tensor;
import io.vibstream.model.io.AtomicFiles;
import io.vibstream.model.io.BoundedFiles;
import io.vibstream.model.io.FileLimitException;
import io.vibstream.model.io.FormatException;
import io.vibstream.model.io.JsonFields;
import io.vibstream.model.lstm.CompressedLstm;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes {@code .vib} model artifacts. All integers are little-endian:
 *
 * <pre>
 *   offset       size  content
 *   0            8     magic "VIBLSTM\0" (56 49 42 4C 53 54 4D 00)
 *   8            4     u32 format version (1; 2 for a model with input deltas; 3 for the mean readout)
 *   12           4     u32 manifest length M
 *   16           M     manifest, UTF-8 JSON (see {@link ModelManifest})
 *   16+M         8     u64 tensor block length N
 *   24+M         N     safetensors block: w [4H',D'], u [4H',H'], b [4H'], gate_scales [3,H'],
 *                      fc_w [C,H'], fc_b [C], all F32, gate order i, f, g, o
 *   24+M+N       32    SHA-256 of bytes [0, 24+M+N)
 * </pre>
 *
 * Loading checks, in order: magic, format version, lengths (truncation, trailing bytes),
 * checksum, manifest JSON and fields, tensor block, tensor names, dtypes and shapes against the
 * manifest, finiteness of every weight. Any failure is one {@link InvalidArtifactException}.
 * Equal artifacts serialize to equal bytes.
 *
 * <p>Artifacts arrive from disk and from Kafka, so every length is checked against the bytes
 * present before anything is allocated for it: a file above {@value #MAX_BYTES} bytes (256 MiB) is
 * refused unread, a manifest above {@value #MAX_MANIFEST_BYTES} bytes unparsed, and the JSON and
 * tensor limits of {@link JsonFields} and {@link Safetensors} apply.
 */
public final class ModelArtifacts {
  /** The largest {@code .vib} file read, in bytes (256 MiB; the project's models are below 1 MiB). */
  public static final int MAX_BYTES = 256 << 20;
  /** The largest manifest read, in bytes (1 MiB). */
  public static final int MAX_MANIFEST_BYTES = 1 << 20;
  private static final byte[] MAGIC = "VIBLSTM\0".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION_END = 12;
  private static final int PREFIX = 16;
  private static final int SHA_BYTES = 32;
  private static final int MIN_LENGTH = PREFIX + 8 + SHA_BYTES;
  private static final List<String> TENSORS = List.of("w", "u", "b", "gate_scales", "fc_w", "fc_b");

  private ModelArtifacts() {}

  /** The artifact as {@code .vib} bytes. */
  public static byte[] toBytes(ModelArtifact artifact) {
    ModelManifest manifest = artifact.manifest();
    if (manifest.formatVersion() > ModelManifest.CURRENT_FORMAT_VERSION) {
      throw new IllegalArgumentException("cannot write format version " + manifest.formatVersion()
          + ", only 1 to " + ModelManifest.CURRENT_FORMAT_VERSION);
    }
    CompressedLstm model = artifact.model();
    long h = model.hiddenSize();
    long c = model.classes();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("w", Tensor.f32(model.w(), 4 * h, model.inputSize()));
    tensors.put("u", Tensor.f32(model.u(), 4 * h, h));
    tensors.put("b", Tensor.f32(model.b(), 4 * h));
    tensors.put("gate_scales", Tensor.f32(model.gateScales(), 3, h));
    tensors.put("fc_w", Tensor.f32(model.fcW(), c, h));
    tensors.put("fc_b", Tensor.f32(model.fcB(), c));
    byte[] json = ManifestJson.write(manifest);
    byte[] block = Safetensors.toBytes(tensors, Map.of());

    ByteBuffer out = ByteBuffer.allocate(PREFIX + json.length + 8 + block.length + SHA_BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).putInt(manifest.formatVersion()).putInt(json.length).put(json);
    out.putLong(block.length).put(block);
    out.put(sha256(out.array(), out.position()));
    return out.array();
  }

  /** Writes the artifact to {@code file} atomically (temporary file in the same directory, then rename). */
  public static void write(ModelArtifact artifact, Path file) throws IOException {
    AtomicFiles.write(file, toBytes(artifact));
  }

  /**
   * Loads and fully validates the artifact in {@code file}.
   *
   * @throws InvalidArtifactException if the file is missing, unreadable or invalid
   */
  public static ModelArtifact read(Path file) {
    byte[] bytes;
    try {
      bytes = readBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidArtifactException(file.toString(), "no such file", e);
    } catch (FileLimitException e) {
      throw new InvalidArtifactException(file.toString(), e.getMessage(), e);
    } catch (IOException e) {
      throw new InvalidArtifactException(file.toString(), "cannot read: " + e, e);
    }
    return fromBytes(bytes, file.toString());
  }

  /**
   * The bytes of a {@code .vib} file, unchecked, for callers that keep them (to publish or to
   * hash): at most {@link #MAX_BYTES}.
   *
   * @throws FileLimitException if the file is larger or not a regular file
   * @throws IOException if it is missing or cannot be read
   */
  public static byte[] readBytes(Path file) throws IOException {
    return BoundedFiles.read(file, MAX_BYTES, "a .vib model file");
  }

  /**
   * Loads and fully validates an artifact from its bytes.
   *
   * @param sourceName where the bytes came from (a file, a topic and offset), used in error messages
   * @throws InvalidArtifactException if the bytes are not a valid artifact
   */
  public static ModelArtifact fromBytes(byte[] bytes, String sourceName) {
    return new Loader(bytes, sourceName).load();
  }

  /** Lower-case hex SHA-256 of {@code bytes}, e.g. of a whole {@code .vib} file to identify it. */
  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256(bytes, bytes.length));
  }

  private static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(bytes, 0, length);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  /** One load: the bytes, their source and the checks in order. */
  private static final class Loader {
    private final byte[] bytes;
    private final String source;
    private final ByteBuffer in;

    Loader(byte[] bytes, String source) {
      this.bytes = bytes;
      this.source = source;
      this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    ModelArtifact load() {
      int length = bytes.length;
      if (!Arrays.equals(bytes, 0, Math.min(length, MAGIC.length), MAGIC, 0, Math.min(length, MAGIC.length))) {
        throw fail("not a .vib model file (bad magic)");
      }
      if (length < VERSION_END) {
        throw truncated(MIN_LENGTH);
      }
      long formatVersion = Integer.toUnsignedLong(in.getInt(8));
      if (formatVersion < 1 || formatVersion > ModelManifest.CURRENT_FORMAT_VERSION) {
        throw fail("unsupported format version " + formatVersion + " (this reader supports 1 to "
            + ModelManifest.CURRENT_FORMAT_VERSION + ")");
      }
      if (length < MIN_LENGTH) {
        throw truncated(MIN_LENGTH);
      }
      long manifestLength = Integer.toUnsignedLong(in.getInt(12));
      if (MIN_LENGTH + manifestLength > length) {
        throw truncated(MIN_LENGTH + manifestLength);
      }
      if (manifestLength > MAX_MANIFEST_BYTES) {
        throw fail("manifest of " + manifestLength + " bytes is longer than the " + MAX_MANIFEST_BYTES
            + " bytes this reader accepts");
      }
      int blockStart = PREFIX + (int) manifestLength + 8;
      BigInteger expected = BigInteger.valueOf(MIN_LENGTH + manifestLength)
          .add(new BigInteger(Long.toUnsignedString(in.getLong(blockStart - 8))));
      int cmp = expected.compareTo(BigInteger.valueOf(length));
      if (cmp > 0) {
        throw fail("truncated: expected " + expected + " bytes, found " + length);
      }
      if (cmp < 0) {
        throw fail("trailing bytes: expected " + expected + " bytes, found " + length);
      }
      int blockLength = length - blockStart - SHA_BYTES;

      byte[] stored = Arrays.copyOfRange(bytes, length - SHA_BYTES, length);
      byte[] computed = sha256(bytes, length - SHA_BYTES);
      if (!MessageDigest.isEqual(stored, computed)) {
        throw fail("corrupt: SHA-256 mismatch (stored " + HexFormat.of().formatHex(stored, 0, 8)
            + "..., computed " + HexFormat.of().formatHex(computed, 0, 8) + "...)");
      }

      ModelManifest manifest = manifest((int) manifestLength);
      if (manifest.formatVersion() != formatVersion) {
        throw fail("invalid manifest: formatVersion " + manifest.formatVersion()
            + " differs from the header's format version " + formatVersion);
      }
      Map<String, Tensor> tensors;
      try {
        tensors = Safetensors.fromBytes(bytes, blockStart, blockLength).tensors();
      } catch (FormatException e) {
        throw fail("invalid tensor block: " + e.getMessage(), e);
      }
      return artifact(manifest, tensors);
    }

    private ModelManifest manifest(int manifestLength) {
      JsonFields json;
      try {
        json = JsonFields.parse(bytes, PREFIX, manifestLength, "manifest JSON");
      } catch (FormatException e) {
        throw fail(e.getMessage(), e);
      }
      try {
        return ManifestJson.read(json);
      } catch (FormatException | IllegalArgumentException e) {
        throw fail("invalid manifest: " + e.getMessage(), e);
      }
    }

    private ModelArtifact artifact(ModelManifest manifest, Map<String, Tensor> tensors) {
      for (String name : tensors.keySet()) {
        if (!TENSORS.contains(name)) {
          throw fail("unexpected tensor '" + name + "' (expected " + TENSORS + ")");
        }
      }
      for (String name : TENSORS) {
        if (!tensors.containsKey(name)) {
          throw fail("missing tensor '" + name + "'");
        }
        if (tensors.get(name).dtype() != Safetensors.Dtype.F32) {
          throw fail("tensor '" + name + "' has dtype " + tensors.get(name).dtype() + ", expected F32");
        }
      }
      long[] fcB = tensors.get("fc_b").shape();
      int c = manifest.labels().size();
      if (fcB.length == 1 && fcB[0] != c) {
        throw fail("manifest lists " + c + " labels but the classifier has " + fcB[0] + " classes (fc_b shape "
            + Arrays.toString(fcB) + ")");
      }
      long h = manifest.hiddenSize();
      long d = manifest.keptInputs().length;
      String why = " (hiddenSize " + h + ", " + d + " kept inputs, " + c + " labels)";
      checkShape(tensors, "w", why, 4 * h, d);
      checkShape(tensors, "u", why, 4 * h, h);
      checkShape(tensors, "b", why, 4 * h);
      checkShape(tensors, "gate_scales", why, 3, h);
      checkShape(tensors, "fc_w", why, c, h);
      checkShape(tensors, "fc_b", why, c);

      Map<String, float[]> values = new LinkedHashMap<>();
      for (String name : TENSORS) {
        float[] v = tensors.get(name).floats();
        for (int i = 0; i < v.length; i++) {
          if (!Float.isFinite(v[i])) {
            throw fail("tensor '" + name + "' holds a non-finite value (" + v[i] + ") at index " + i);
          }
        }
        values.put(name, v);
      }
      try {
        CompressedLstm model = CompressedLstm.builder()
            .featureDim(manifest.backbone().dimension())
            .inputDeltas(manifest.inputDeltas())
            .readout(manifest.readout())
            .keptInputs(manifest.keptInputs())
            .hiddenSize(manifest.hiddenSize())
            .classes(c)
            .weights(values.get("w"), values.get("u"), values.get("b"))
            .gateScales(values.get("gate_scales"))
            .classifier(values.get("fc_w"), values.get("fc_b"))
            .build();
        return new ModelArtifact(manifest, model);
      } catch (IllegalArgumentException e) {
        throw fail("invalid model: " + e.getMessage(), e);
      }
    }

    private void checkShape(Map<String, Tensor> tensors, String name, String why, long... expected) {
      long[] actual = tensors.get(name).shape();
      if (!Arrays.equals(actual, expected)) {
        throw fail("tensor '" + name + "' has shape " + Arrays.toString(actual) + ", the manifest implies "
            + Arrays.toString(expected) + why);
      }
    }

    private InvalidArtifactException truncated(long expectedAtLeast) {
      return fail("truncated: expected at least " + expectedAtLeast + " bytes, found " + bytes.length);
    }

    private InvalidArtifactException fail(String problem) {
      return new InvalidArtifactException(source, problem);
    }

    private InvalidArtifactException fail(String problem, Throwable cause) {
      return new InvalidArtifactException(source, problem, cause);
    }
  }
}
