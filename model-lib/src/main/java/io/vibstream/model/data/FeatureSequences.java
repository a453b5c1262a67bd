package io.vibstream.model.data;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vibstream.model.artifact.Safetensors.Tensor;
import io.vibstream.model.artifact.Safetensors;
import io.vibstream.model.io.AtomicFiles;
import io.vibstream.model.io.BoundedFiles;
import io.vibstream.model.io.FileLimitException;
import io.vibstream.model.io.FormatException;
import io.vibstream.model.io.JsonFields;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Per-clip feature sequences on disk: CNN features of video frames, one safetensors file per
 * clip, indexed by {@code dataset.json}.
 *
 * <pre>
 *   DIR/dataset.json
 *     {"format": "vib-features", "formatVersion": 1,
 *      "backbone": {"id": "resnet18", "dimension": D},
 *      "labels": ["walk", "run", ...],
 *      "clips": [{"file": "clips/00000.safetensors", "label": "walk", "split": "train",
 *                 "frames": T_i, "source": "videos/walk/01.mp4"}, ...]}
 *   DIR/clips/00000.safetensors   tensor "features", F32 [T_i, D]
 * </pre>
 *
 * {@code source} is optional; {@code split} is {@code train} or {@code test}; clip files are
 * relative to DIR and must stay inside it. Unknown fields are ignored. An index above
 * {@value #MAX_INDEX_BYTES} bytes (64 MiB) or a clip file above {@value #MAX_CLIP_BYTES} bytes
 * (256 MiB) is refused unread, as is a clip path that is not a regular file.
 */
public final class FeatureSequences {
  /** The largest {@code dataset.json} read, in bytes (64 MiB, some 400,000 clips). */
  public static final int MAX_INDEX_BYTES = JsonFields.MAX_DOCUMENT_BYTES;
  /** The largest clip file read, in bytes (256 MiB). */
  public static final int MAX_CLIP_BYTES = 256 << 20;
  /** Value of the {@code format} field. */
  public static final String FORMAT = "vib-features";
  /** The {@code formatVersion} this library writes and reads. */
  public static final int FORMAT_VERSION = 1;
  /** Name of the index file in a dataset directory. */
  public static final String INDEX_FILE = "dataset.json";
  /** Name of the per-clip tensor. */
  public static final String TENSOR = "features";
  /** Split name of training clips. */
  public static final String TRAIN = "train";
  /** Split name of test clips. */
  public static final String TEST = "test";

  private FeatureSequences() {}

  /**
   * What {@code dataset.json} says, without reading any clip.
   *
   * @param minFrames fewest frames in a clip (0 when there are no clips)
   * @param maxFrames most frames in a clip (0 when there are no clips)
   */
  public record Info(String backboneId, int dimension, List<String> labels, int trainClips, int testClips,
      int minFrames, int maxFrames) {
    public Info {
      labels = List.copyOf(labels);
    }
  }

  /**
   * Reads and checks {@code DIR/dataset.json} only.
   *
   * @throws InvalidDataException if the directory or index is missing or invalid
   */
  public static Info readInfo(Path dir) {
    Index index = Index.read(dir);
    int train = 0;
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (Clip clip : index.clips) {
      train += clip.split.equals(TRAIN) ? 1 : 0;
      min = Math.min(min, clip.frames);
      max = Math.max(max, clip.frames);
    }
    return new Info(index.backboneId, index.dimension, index.labels, train, index.clips.size() - train,
        index.clips.isEmpty() ? 0 : min, max);
  }

  /**
   * Loads every clip, resampled to exactly {@code clipLength} frames: output frame k is input frame
   * {@code floor(k * T_i / clipLength)}, so longer clips are thinned evenly and shorter ones repeat
   * frames. Examples keep their order in {@code dataset.json}; class names are its labels.
   *
   * @throws InvalidDataException naming the file and problem if anything is missing or inconsistent,
   *     or a split has no clips
   */
  public static DataSplit read(Path dir, int clipLength) {
    if (clipLength < 1) {
      throw new IllegalArgumentException("clipLength must be >= 1, got " + clipLength);
    }
    Index index = Index.read(dir);
    SequenceDataset train = index.load(TRAIN, clipLength);
    SequenceDataset test = index.load(TEST, clipLength);
    return new DataSplit(train, test, index.backboneId,
        "features:" + dir + " (" + index.backboneId + ", " + index.dimension + ")");
  }

  /**
   * One clip as stored, at its own length.
   *
   * @param frames T_i rows of {@code dimension} features
   * @param source where it came from, or {@code null}
   */
  public record StoredClip(String label, String split, String source, float[][] frames) {}

  /**
   * Every clip of both splits at its own length (no resampling), in {@code dataset.json} order.
   *
   * @throws InvalidDataException naming the file and problem if anything is missing or inconsistent
   */
  public static List<StoredClip> clips(Path dir) {
    Index index = Index.read(dir);
    List<StoredClip> out = new ArrayList<>(index.clips.size());
    for (Clip clip : index.clips) {
      float[] flat = index.features(clip);
      float[][] frames = new float[clip.frames][];
      for (int t = 0; t < clip.frames; t++) {
        frames[t] = Arrays.copyOfRange(flat, t * index.dimension, (t + 1) * index.dimension);
      }
      out.add(new StoredClip(clip.label, clip.split, clip.source, frames));
    }
    return out;
  }

  private record Clip(String file, String label, String split, int frames, String source) {}

  /** A parsed and checked {@code dataset.json}. */
  private static final class Index {
    private final Path dir;
    private final Path file;
    private final String backboneId;
    private final int dimension;
    private final List<String> labels;
    private final List<Clip> clips;

    private Index(Path dir, Path file, String backboneId, int dimension, List<String> labels, List<Clip> clips) {
      this.dir = dir;
      this.file = file;
      this.backboneId = backboneId;
      this.dimension = dimension;
      this.labels = labels;
      this.clips = clips;
    }

    static Index read(Path dir) {
      if (!Files.isDirectory(dir)) {
        throw new InvalidDataException(dir + ": no such directory");
      }
      Path file = dir.resolve(INDEX_FILE);
      byte[] bytes;
      try {
        bytes = BoundedFiles.read(file, MAX_INDEX_BYTES, "a feature dataset index");
      } catch (NoSuchFileException e) {
        throw new InvalidDataException(dir + ": missing " + INDEX_FILE + " (not a feature dataset directory)", e);
      } catch (FileLimitException e) {
        throw new InvalidDataException(file + ": " + e.getMessage(), e);
      } catch (IOException e) {
        throw new InvalidDataException(file + ": cannot read: " + e, e);
      }
      try {
        JsonFields root = JsonFields.parse(bytes, 0, bytes.length, "JSON");
        String format = root.string("format");
        if (!format.equals(FORMAT)) {
          throw new FormatException("unknown format '" + format + "', expected '" + FORMAT + "'");
        }
        int version = root.integer("formatVersion");
        if (version != FORMAT_VERSION) {
          throw new FormatException("unsupported formatVersion " + version + " (this reader supports "
              + FORMAT_VERSION + ")");
        }
        JsonFields backbone = root.object("backbone");
        String backboneId = backbone.string("id");
        int dimension = backbone.integer("dimension");
        if (dimension < 1) {
          throw new FormatException("backbone.dimension must be >= 1, found " + dimension);
        }
        List<String> labels = root.strings("labels");
        checkLabels(labels);
        List<Clip> clips = new ArrayList<>();
        List<JsonFields> entries = root.objects("clips");
        for (int i = 0; i < entries.size(); i++) {
          clips.add(clip(entries.get(i), "clips[" + i + "]", labels));
        }
        return new Index(dir, file, backboneId, dimension, labels, clips);
      } catch (FormatException e) {
        throw new InvalidDataException(file + ": " + e.getMessage(), e);
      }
    }

    private static Clip clip(JsonFields entry, String where, List<String> labels) {
      String file = entry.string("file");
      if (!insideDirectory(file)) {
        throw new FormatException(where + ".file '" + file + "' must be a path inside the dataset directory");
      }
      String label = entry.string("label");
      if (!labels.contains(label)) {
        throw new FormatException(where + " (" + file + ") has unknown label '" + label + "'");
      }
      String split = entry.string("split");
      if (!split.equals(TRAIN) && !split.equals(TEST)) {
        throw new FormatException(where + " (" + file + ") has split '" + split + "', expected '" + TRAIN
            + "' or '" + TEST + "'");
      }
      int frames = entry.integer("frames");
      if (frames < 1) {
        throw new FormatException(where + " (" + file + ") has " + frames + " frames, at least 1 is needed");
      }
      return new Clip(file, label, split, frames, entry.optionalString("source"));
    }

    private static boolean insideDirectory(String file) {
      try {
        Path path = Path.of(file);
        return !file.isEmpty() && !path.isAbsolute() && !path.normalize().startsWith("..");
      } catch (InvalidPathException e) {
        return false;
      }
    }

    SequenceDataset load(String split, int clipLength) {
      List<Clip> selected = clips.stream().filter(c -> c.split.equals(split)).toList();
      if (selected.isEmpty()) {
        throw new InvalidDataException(file + ": no clips in split '" + split + "'");
      }
      int stride = clipLength * dimension;
      if ((long) selected.size() * stride > Integer.MAX_VALUE - 8) {
        throw new InvalidDataException(file + ": split '" + split + "' is too large for one array ("
            + selected.size() + " clips x " + clipLength + " frames x " + dimension + " features)");
      }
      float[] data = new float[selected.size() * stride];
      int[] targets = new int[selected.size()];
      for (int n = 0; n < selected.size(); n++) {
        Clip clip = selected.get(n);
        float[] features = features(clip);
        for (int k = 0; k < clipLength; k++) {
          int frame = (int) ((long) k * clip.frames / clipLength);
          System.arraycopy(features, frame * dimension, data, n * stride + k * dimension, dimension);
        }
        targets[n] = labels.indexOf(clip.label);
      }
      return new SequenceDataset(data, targets, clipLength, dimension, labels);
    }

    private float[] features(Clip clip) {
      Path path = dir.resolve(clip.file);
      byte[] bytes;
      try {
        bytes = BoundedFiles.read(path, MAX_CLIP_BYTES, "a clip file");
      } catch (NoSuchFileException e) {
        throw new InvalidDataException(path + ": no such file (listed in " + file + ")", e);
      } catch (FileLimitException e) {
        throw new InvalidDataException(path + ": " + e.getMessage(), e);
      } catch (IOException e) {
        throw new InvalidDataException(path + ": cannot read: " + e, e);
      }
      Tensor tensor;
      try {
        tensor = Safetensors.fromBytes(bytes).tensors().get(TENSOR);
      } catch (FormatException e) {
        throw new InvalidDataException(path + ": " + e.getMessage(), e);
      }
      if (tensor == null) {
        throw new InvalidDataException(path + ": no tensor '" + TENSOR + "'");
      }
      if (tensor.dtype() != Safetensors.Dtype.F32) {
        throw new InvalidDataException(path + ": tensor '" + TENSOR + "' has dtype " + tensor.dtype()
            + ", expected F32");
      }
      long[] shape = tensor.shape();
      if (shape.length != 2 || shape[1] != dimension) {
        throw new InvalidDataException(path + ": dimension mismatch: tensor '" + TENSOR + "' has shape "
            + Arrays.toString(shape) + ", expected [" + clip.frames + ", " + dimension + "]");
      }
      if (shape[0] != clip.frames) {
        throw new InvalidDataException(path + ": tensor '" + TENSOR + "' holds " + shape[0] + " frames but "
            + INDEX_FILE + " says " + clip.frames);
      }
      return tensor.floats();
    }
  }

  private static void checkLabels(List<String> labels) {
    if (labels.isEmpty()) {
      throw new FormatException("labels must hold at least one class name");
    }
    if (new HashSet<>(labels).size() != labels.size()) {
      throw new FormatException("labels must be distinct, found " + labels);
    }
  }

  /**
   * Writes a feature dataset: clip files as they are added, {@code dataset.json} (atomically) on
   * {@link #close()}, listing the clips added so far. Not thread-safe.
   */
  public static final class Writer implements Closeable {
    private final Path dir;
    private final String backboneId;
    private final int dimension;
    private final List<String> labels;
    private final List<Clip> clips = new ArrayList<>();
    private boolean closed;

    private Writer(Path dir, String backboneId, int dimension, List<String> labels) {
      this.dir = dir;
      this.backboneId = backboneId;
      this.dimension = dimension;
      this.labels = labels;
    }

    /**
     * Starts a dataset in {@code dir} (created if needed, with a {@code clips} subdirectory).
     *
     * @throws FileAlreadyExistsException if {@code dir} already holds a {@code dataset.json}
     * @throws IllegalArgumentException for a blank backbone id, dimension below 1, or labels that are
     *     empty, blank or repeated
     */
    public static Writer create(Path dir, String backboneId, int dimension, List<String> labels)
        throws IOException {
      if (backboneId == null || backboneId.isBlank()) {
        throw new IllegalArgumentException("backboneId must be a non-blank string");
      }
      if (dimension < 1) {
        throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
      }
      List<String> names = List.copyOf(labels);
      if (names.stream().anyMatch(String::isBlank)) {
        throw new IllegalArgumentException("labels must be non-blank, got " + names);
      }
      try {
        checkLabels(names);
      } catch (FormatException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      if (Files.exists(dir.resolve(INDEX_FILE))) {
        throw new FileAlreadyExistsException(dir.resolve(INDEX_FILE).toString(), null,
            "a feature dataset already exists here");
      }
      Files.createDirectories(dir.resolve("clips"));
      return new Writer(dir, backboneId, dimension, names);
    }

    /**
     * Writes one clip of {@code frames.length >= 1} frames of {@code dimension} finite features.
     *
     * @param split {@link #TRAIN} or {@link #TEST}
     * @param source where the clip came from, e.g. the video path; may be {@code null}
     */
    public void add(float[][] frames, String label, String split, String source) throws IOException {
      if (closed) {
        throw new IllegalStateException("writer is closed");
      }
      if (!labels.contains(label)) {
        throw new IllegalArgumentException("unknown label '" + label + "', expected one of " + labels);
      }
      if (!TRAIN.equals(split) && !TEST.equals(split)) {
        throw new IllegalArgumentException("split must be '" + TRAIN + "' or '" + TEST + "', got '" + split + "'");
      }
      if (frames.length < 1) {
        throw new IllegalArgumentException("a clip needs at least one frame");
      }
      float[] flat = new float[frames.length * dimension];
      for (int t = 0; t < frames.length; t++) {
        float[] frame = Objects.requireNonNull(frames[t], "frame");
        if (frame.length != dimension) {
          throw new IllegalArgumentException("frame " + t + " has " + frame.length + " features, expected "
              + dimension);
        }
        for (float v : frame) {
          if (!Float.isFinite(v)) {
            throw new IllegalArgumentException("frame " + t + " holds a non-finite feature " + v);
          }
        }
        System.arraycopy(frame, 0, flat, t * dimension, dimension);
      }
      String file = String.format(Locale.ROOT, "clips/%05d.safetensors", clips.size());
      Files.write(dir.resolve(file),
          Safetensors.toBytes(Map.of(TENSOR, Tensor.f32(flat, frames.length, dimension)), Map.of()));
      clips.add(new Clip(file, label, split, frames.length, source));
    }

    /** Writes {@code dataset.json} listing every clip added; later calls do nothing. */
    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      ObjectNode root = JsonNodeFactory.instance.objectNode();
      root.put("format", FORMAT);
      root.put("formatVersion", FORMAT_VERSION);
      ObjectNode backbone = root.putObject("backbone");
      backbone.put("id", backboneId);
      backbone.put("dimension", dimension);
      ArrayNode names = root.putArray("labels");
      labels.forEach(names::add);
      ArrayNode entries = root.putArray("clips");
      for (Clip clip : clips) {
        ObjectNode entry = entries.addObject();
        entry.put("file", clip.file);
        entry.put("label", clip.label);
        entry.put("split", clip.split);
        entry.put("frames", clip.frames);
        if (clip.source != null) {
          entry.put("source", clip.source);
        }
      }
      AtomicFiles.write(dir.resolve(INDEX_FILE), JsonFields.toPrettyBytes(root));
    }
  }
}
