package io.vibstream.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.Safetensors.Tensor;
import io.vibstream.model.artifact.Safetensors;
import io.vibstream.model.io.AtomicFiles;
import io.vibstream.model.io.BoundedFiles;
import io.vibstream.model.io.FileLimitException;
import io.vibstream.model.io.FormatException;
import io.vibstream.model.io.JsonFields;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A trained {@link BuiltinCnn}: architecture, preprocessing, class labels, training metrics and
 * weights (feature network and classifier head, including batch-norm running statistics).
 *
 * <p>File layout, integers little-endian:
 * <pre>
 *   offset   size  content
 *   0        8     magic "VIBCNN\0\0"
 *   8        4     u32 format version (3; versions 1 and 2 of the appearance network, without or
 *                  with "keypoint_joints": 0, still load; version 2 keypoint-branch files do not)
 *   12       4     u32 manifest length M
 *   16       M     manifest, UTF-8 JSON: {"format": "vib-backbone", "architecture": "builtin-cnn-v1",
 *                  "id", "channels", "dimension", "keypoint_joints" (K, 0 for the appearance network),
 *                  "preprocessing" (see {@link Preprocessing}),
 *                  "labels", "metrics": {name: number}}
 *   16+M     8     u64 weights length N
 *   24+M     N     safetensors: every DJL parameter of {@link BuiltinCnn#withHead} on
 *                  {@link BuiltinCnn#features(int[], int)}, F32, by DJL name
 *   24+M+N   32    SHA-256 of bytes [0, 24+M+N)
 * </pre>
 * The id is {@code builtin-cnn-v1:} plus the first 12 hex digits of the SHA-256 of the weights
 * block, so equal weights give equal ids. Loading checks magic, version, lengths, checksum,
 * manifest, id, the number of weights against the architecture (so that building the network never
 * allocates more than the file holds), and (when a network is built) tensor names, shapes and
 * finiteness; any failure is one {@link BackboneException} {@code FILE: PROBLEM}. A file above
 * {@value #MAX_BYTES} bytes (256 MiB) is refused unread.
 *
 * @param weights DJL parameter name to tensor
 */
public record BuiltinCnnArtifact(String id, int[] channels, int keypointJoints, Preprocessing preprocessing,
    List<String> labels, Map<String, Double> metrics, Map<String, Tensor> weights) {
  /** Architecture name, the prefix of every id. */
  public static final String ARCHITECTURE = "builtin-cnn-v1";
  /** Format version this class writes and reads. */
  public static final int FORMAT_VERSION = 3;
  /** The largest file read, in bytes (256 MiB; the project's backbones are below 1 MiB). */
  public static final int MAX_BYTES = 256 << 20;
  private static final byte[] MAGIC = "VIBCNN\0\0".getBytes(StandardCharsets.US_ASCII);
  private static final int PREFIX = 16;
  private static final int SHA_BYTES = 32;

  public BuiltinCnnArtifact {
    BuiltinCnn.checkChannels(channels);
    channels = channels.clone();
    BuiltinCnn.checkJoints(keypointJoints);
    labels = List.copyOf(labels);
    metrics = Map.copyOf(metrics);
    weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    if (labels.isEmpty() || new HashSet<>(labels).size() != labels.size()) {
      throw new IllegalArgumentException("labels must be non-empty and distinct, got " + labels);
    }
  }

  /** Builds an artifact whose id is derived from the weights. */
  public static BuiltinCnnArtifact create(int[] channels, Preprocessing preprocessing, List<String> labels,
      Map<String, Double> metrics, Map<String, Tensor> weights) {
    return create(channels, 0, preprocessing, labels, metrics, weights);
  }

  /** Builds an artifact of the pose network with {@code keypointJoints} joints (0: appearance); the id is derived from the weights. */
  public static BuiltinCnnArtifact create(int[] channels, int keypointJoints, Preprocessing preprocessing,
      List<String> labels, Map<String, Double> metrics, Map<String, Tensor> weights) {
    String id = idOf(Safetensors.toBytes(weights, Map.of()));
    return new BuiltinCnnArtifact(id, channels, keypointJoints, preprocessing, labels, metrics, weights);
  }

  @Override
  public int[] channels() {
    return channels.clone();
  }

  /** Feature dimension, {@link BuiltinCnn#dimension}. */
  public int dimension() {
    return BuiltinCnn.dimension(channels, keypointJoints);
  }

  /** The artifact as bytes. */
  public byte[] toBytes() {
    ObjectNode manifest = JsonNodeFactory.instance.objectNode();
    manifest.put("format", "vib-backbone");
    manifest.put("architecture", ARCHITECTURE);
    manifest.put("id", id);
    ArrayNode ch = manifest.putArray("channels");
    Arrays.stream(channels).forEach(ch::add);
    manifest.put("dimension", dimension());
    manifest.put("keypoint_joints", keypointJoints);
    manifest.set("preprocessing", preprocessing.toJson());
    ArrayNode names = manifest.putArray("labels");
    labels.forEach(names::add);
    ObjectNode m = manifest.putObject("metrics");
    metrics.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> m.put(e.getKey(), e.getValue()));
    byte[] json = JsonFields.toBytes(manifest);
    byte[] block = Safetensors.toBytes(weights, Map.of());
    ByteBuffer out = ByteBuffer.allocate(PREFIX + json.length + 8 + block.length + SHA_BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).putInt(FORMAT_VERSION).putInt(json.length).put(json).putLong(block.length).put(block);
    byte[] all = out.array();
    byte[] sha = java.util.HexFormat.of().parseHex(ModelArtifacts.sha256Hex(Arrays.copyOf(all, out.position())));
    out.put(sha);
    return all;
  }

  /** Writes the artifact atomically. */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, toBytes());
  }

  /**
   * Reads and checks an artifact file.
   *
   * @throws BackboneException {@code FILE: PROBLEM} if it is missing, truncated or corrupt
   */
  public static BuiltinCnnArtifact read(Path file) {
    byte[] bytes;
    try {
      bytes = BoundedFiles.read(file, MAX_BYTES, "a builtin CNN file");
    } catch (NoSuchFileException e) {
      throw new BackboneException(file + ": no such file", e);
    } catch (FileLimitException e) {
      throw new BackboneException(file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new BackboneException(file + ": cannot read: " + e, e);
    }
    return fromBytes(bytes, file.toString());
  }

  /**
   * Parses and checks artifact bytes.
   *
   * @param source names the bytes in error messages
   * @throws BackboneException {@code SOURCE: PROBLEM} if they are not a valid artifact
   */
  public static BuiltinCnnArtifact fromBytes(byte[] bytes, String source) {
    try {
      return parse(bytes);
    } catch (FormatException | IllegalArgumentException e) {
      throw new BackboneException(source + ": invalid builtin CNN file: " + e.getMessage(), e);
    }
  }

  private static BuiltinCnnArtifact parse(byte[] bytes) {
    if (bytes.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new FormatException("not a builtin CNN file (bad magic)");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < PREFIX + 8 + SHA_BYTES) {
      throw new FormatException("truncated (" + bytes.length + " bytes)");
    }
    int version = in.getInt(8);
    if (version < 1 || version > FORMAT_VERSION) {
      throw new FormatException("unsupported format version " + version + " (this reader supports 1 to "
          + FORMAT_VERSION + ")");
    }
    long m = Integer.toUnsignedLong(in.getInt(12));
    if (PREFIX + m + 8 + SHA_BYTES > bytes.length) {
      throw new FormatException("truncated (manifest length " + m + " exceeds the file)");
    }
    long n = in.getLong(PREFIX + (int) m);
    if (n < 0 || n > bytes.length - (PREFIX + m + 8 + SHA_BYTES)) {
      throw new FormatException("truncated (weights block of " + Long.toUnsignedString(n) + " bytes exceeds the file)");
    }
    long end = PREFIX + m + 8 + n;
    if (end + SHA_BYTES != bytes.length) {
      throw new FormatException((bytes.length - end - SHA_BYTES) + " unexpected trailing bytes");
    }
    String expected = ModelArtifacts.sha256Hex(Arrays.copyOf(bytes, (int) end));
    String actual = java.util.HexFormat.of().formatHex(bytes, (int) end, bytes.length);
    if (!expected.equals(actual)) {
      throw new FormatException("checksum mismatch: the file is corrupt");
    }
    JsonFields manifest = JsonFields.parse(bytes, PREFIX, (int) m, "manifest JSON");
    String architecture = manifest.string("architecture");
    if (!ARCHITECTURE.equals(architecture)) {
      throw new FormatException("unknown architecture '" + architecture + "', expected " + ARCHITECTURE);
    }
    int[] channels = manifest.integers("channels");
    int dimension = manifest.integer("dimension");
    int joints = version == 1 ? 0 : manifest.integer("keypoint_joints");
    if (joints < 0 || joints > 1024) {
      throw new FormatException("keypoint_joints " + joints + " is outside [0, 1024]");
    }
    if (version == 2 && joints > 0) {
      throw new FormatException("format 2 keypoint-branch backbones are no longer supported: retrain with "
          + "train-backbone (format 3 has the heatmap pose network)");
    }
    if (channels.length == 0 || dimension != BuiltinCnn.dimension(channels, joints)) {
      throw new FormatException("dimension " + dimension + " does not match channels " + Arrays.toString(channels)
          + (joints > 0 ? " and " + joints + " keypoint joints" : ""));
    }
    Preprocessing preprocessing = Preprocessing.fromJson(manifest.object("preprocessing"));
    List<String> labels = manifest.strings("labels");
    Map<String, Double> metrics = manifest.numbers("metrics");
    int blockStart = PREFIX + (int) m + 8;
    Map<String, Tensor> weights = Safetensors.fromBytes(bytes, blockStart, (int) n).tensors();
    long held = weights.values().stream().mapToLong(Tensor::size).sum();
    long needed = BuiltinCnn.parameterCount(channels, joints, labels.size());
    if (held != needed) {
      throw new FormatException("the weights hold " + held + " values, channels " + Arrays.toString(channels)
          + (joints > 0 ? " with " + joints + " keypoint joints" : "") + " and " + labels.size() + " labels need "
          + needed);
    }
    String id = manifest.string("id");
    String derived = idOf(Arrays.copyOfRange(bytes, blockStart, blockStart + (int) n));
    if (!id.equals(derived)) {
      throw new FormatException("id '" + id + "' does not match its weights (" + derived + ")");
    }
    return new BuiltinCnnArtifact(id, channels, joints, preprocessing, labels, metrics, weights);
  }

  private static String idOf(byte[] weightsBlock) {
    return ARCHITECTURE + ":" + ModelArtifacts.sha256Hex(weightsBlock).substring(0, 12);
  }

  /**
   * Builds the network with head on {@code manager}'s device and loads these weights into it.
   *
   * @throws BackboneException if a tensor is missing, unexpected, of the wrong shape or not finite
   */
  public SequentialBlock buildNetwork(NDManager manager) {
    SequentialBlock net = BuiltinCnn.withHead(BuiltinCnn.features(channels, keypointJoints), labels.size());
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, preprocessing.height(), preprocessing.width()));
    Set<String> unused = new HashSet<>(weights.keySet());
    for (Pair<String, Parameter> p : net.getParameters()) {
      Tensor t = weights.get(p.getKey());
      NDArray array = p.getValue().getArray();
      if (t == null) {
        throw new BackboneException(id + ": missing weight tensor '" + p.getKey() + "'");
      }
      if (!Arrays.equals(t.shape(), array.getShape().getShape())) {
        throw new BackboneException(id + ": weight tensor '" + p.getKey() + "' has shape "
            + Arrays.toString(t.shape()) + ", the network needs " + array.getShape());
      }
      float[] values = t.floats();
      for (float v : values) {
        if (!Float.isFinite(v)) {
          throw new BackboneException(id + ": weight tensor '" + p.getKey() + "' holds a non-finite value");
        }
      }
      array.set(FloatBuffer.wrap(values));
      unused.remove(p.getKey());
    }
    if (!unused.isEmpty()) {
      throw new BackboneException(id + ": unexpected weight tensors " + unused);
    }
    return net;
  }

  /** Every parameter of {@code net} as a named F32 tensor, in DJL's order. */
  public static Map<String, Tensor> weightsOf(SequentialBlock net) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : net.getParameters()) {
      NDArray array = p.getValue().getArray();
      out.put(p.getKey(), Tensor.f32(array.toFloatArray(), array.getShape().getShape()));
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BuiltinCnnArtifact a && id.equals(a.id) && Arrays.equals(channels, a.channels)
        && keypointJoints == a.keypointJoints
        && labels.equals(a.labels) && metrics.equals(a.metrics) && weights.equals(a.weights)
        && preprocessing.equals(a.preprocessing);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return id + " (channels " + Arrays.toString(channels) + (keypointJoints > 0 ? ", " + keypointJoints
        + " keypoint joints" : "") + ", " + preprocessing.width() + "x"
        + preprocessing.height() + ", labels " + labels + ")";
  }
}
