package io.vibstream.model.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

/**
 * MNIST-style IDX data as sequences: each R x C image becomes R time steps of C features (row t is
 * step t), pixels scaled to [0, 1].
 *
 * <p>The directory holds {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}, each plain or with a
 * {@code .gz} suffix (plain wins if both exist; gzip is recognized by its magic bytes 1f 8b).
 * Class names come from {@code labels.txt} (one per line) if present, else
 * {@link #FASHION_MNIST_LABELS} if the directory path contains "fashion", else "0" to "9".
 */
public final class IdxDataset {
  /** Class names of Fashion-MNIST, by label. */
  public static final List<String> FASHION_MNIST_LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
      "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
  private static final List<String> DIGITS = IntStream.range(0, 10).mapToObj(String::valueOf).toList();
  private static final int IMAGES_MAGIC = 2051;
  private static final int LABELS_MAGIC = 2049;
  private static final int CHUNK = 1 << 16;

  private IdxDataset() {}

  /**
   * Loads the train ({@code train-*}) and test ({@code t10k-*}) splits from {@code dir}.
   *
   * @throws InvalidDataException naming the file and problem: missing file, bad magic number,
   *     truncated data, image and label counts that differ, labels outside the class names
   */
  public static DataSplit load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidDataException(dir + ": no such directory");
    }
    List<String> classNames = classNames(dir);
    SequenceDataset train = split(dir, "train", classNames);
    SequenceDataset test = split(dir, "t10k", classNames);
    if (train.timeSteps() != test.timeSteps() || train.featureDim() != test.featureDim()) {
      throw new InvalidDataException(dir + ": test images are " + test.timeSteps() + "x" + test.featureDim()
          + " but train images are " + train.timeSteps() + "x" + train.featureDim());
    }
    return new DataSplit(train, test, DataSplit.IDX_ROWS_BACKBONE, "idx:" + dir);
  }

  private static List<String> classNames(Path dir) {
    Path file = dir.resolve("labels.txt");
    if (Files.isRegularFile(file)) {
      List<String> names;
      try {
        names = Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
      } catch (IOException e) {
        throw new InvalidDataException(file + ": cannot read: " + e, e);
      }
      if (names.isEmpty()) {
        throw new InvalidDataException(file + ": no class names");
      }
      if (new HashSet<>(names).size() != names.size()) {
        throw new InvalidDataException(file + ": class names must be distinct, found " + names);
      }
      return names;
    }
    String path = dir.toAbsolutePath().normalize().toString().toLowerCase(Locale.ROOT);
    return path.contains("fashion") ? FASHION_MNIST_LABELS : DIGITS;
  }

  private static SequenceDataset split(Path dir, String prefix, List<String> classNames) {
    Path imagesFile = find(dir, prefix + "-images-idx3-ubyte");
    Path labelsFile = find(dir, prefix + "-labels-idx1-ubyte");
    Images images = readImages(imagesFile);
    int[] labels = readLabels(labelsFile, classNames.size());
    if (images.count != labels.length) {
      throw new InvalidDataException(dir + ": " + images.count + " images in " + imagesFile.getFileName() + " but "
          + labels.length + " labels in " + labelsFile.getFileName());
    }
    return new SequenceDataset(images.pixels, labels, images.rows, images.cols, classNames);
  }

  private static Path find(Path dir, String name) {
    Path plain = dir.resolve(name);
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    Path gz = dir.resolve(name + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    throw new InvalidDataException("no " + name + "[.gz] in " + dir);
  }

  private record Images(int count, int rows, int cols, float[] pixels) {}

  private static Images readImages(Path file) {
    try (InputStream in = open(file)) {
      ByteBuffer header = readHeader(in, file, IMAGES_MAGIC, 3, "IDX unsigned-byte 3-D images");
      int count = header.getInt(4);
      int rows = header.getInt(8);
      int cols = header.getInt(12);
      if (count < 0 || rows < 1 || cols < 1) {
        throw new InvalidDataException(file + ": invalid dimensions " + count + " x " + rows + " x " + cols);
      }
      long total = (long) count * rows * cols;
      if (total > Integer.MAX_VALUE - 8) {
        throw new InvalidDataException(file + ": " + count + " images of " + rows + "x" + cols
            + " are too many for one array");
      }
      checkDeclaredPixels(file, total, count, rows, cols);
      float[] pixels = new float[(int) total];
      byte[] chunk = new byte[CHUNK];
      int done = 0;
      while (done < pixels.length) {
        int want = Math.min(CHUNK, pixels.length - done);
        int got = in.readNBytes(chunk, 0, want);
        for (int i = 0; i < got; i++) {
          pixels[done + i] = (chunk[i] & 0xff) / 255f;
        }
        done += got;
        if (got < want) {
          throw new InvalidDataException(file + ": truncated: expected " + total + " bytes of pixel data, found "
              + done);
        }
      }
      return new Images(count, rows, cols, pixels);
    } catch (IOException e) {
      throw ioFailure(file, e);
    }
  }

  /**
   * Refuses a header that declares more pixels than the file can hold (a plain file: its size) or
   * the heap can (half of it, as floats; a gzip file's size says little), before they are allocated.
   */
  private static void checkDeclaredPixels(Path file, long total, int count, int rows, int cols) throws IOException {
    if (!gzipped(file) && total > Files.size(file) - 16) {
      throw new InvalidDataException(file + ": truncated: expected " + total + " bytes of pixel data, found "
          + Math.max(0, Files.size(file) - 16));
    }
    long budget = Runtime.getRuntime().maxMemory() / 2;
    if (4 * total > budget) {
      throw new InvalidDataException(file + ": " + count + " images of " + rows + "x" + cols + " need "
          + (4 * total >> 20) + " MiB as floats, more than half the " + (2 * budget >> 20) + " MiB heap (raise -Xmx)");
    }
  }

  private static boolean gzipped(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  private static int[] readLabels(Path file, int classes) {
    try (InputStream in = open(file)) {
      ByteBuffer header = readHeader(in, file, LABELS_MAGIC, 1, "IDX unsigned-byte 1-D labels");
      int count = header.getInt(4);
      if (count < 0) {
        throw new InvalidDataException(file + ": invalid label count " + count);
      }
      byte[] raw = in.readNBytes(count);
      if (raw.length < count) {
        throw new InvalidDataException(file + ": truncated: expected " + count + " labels, found " + raw.length);
      }
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        labels[i] = raw[i] & 0xff;
        if (labels[i] >= classes) {
          throw new InvalidDataException(file + ": label " + labels[i] + " at index " + i + " is outside the "
              + classes + " class names");
        }
      }
      return labels;
    } catch (IOException e) {
      throw ioFailure(file, e);
    }
  }

  /** Reads and checks the magic number, then the {@code dims} sizes (big-endian u32 each). */
  private static ByteBuffer readHeader(InputStream in, Path file, int magic, int dims, String kind)
      throws IOException {
    int length = 4 * (1 + dims);
    ByteBuffer header = ByteBuffer.allocate(length);
    int got = in.readNBytes(header.array(), 0, 4);
    if (got == 4 && header.getInt(0) != magic) {
      throw new InvalidDataException(file + ": bad magic number " + header.getInt(0) + ", expected " + magic
          + " (" + kind + ")");
    }
    got += in.readNBytes(header.array(), got, length - got);
    if (got < length) {
      throw new InvalidDataException(file + ": truncated: expected " + length + " header bytes, found " + got);
    }
    return header;
  }

  /** The file's bytes, decompressed if they start with the gzip magic 1f 8b. */
  private static InputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, CHUNK) : in;
  }

  private static InvalidDataException ioFailure(Path file, IOException e) {
    if (e instanceof EOFException) {
      return new InvalidDataException(file + ": truncated: compressed data ends early", e);
    }
    return new InvalidDataException(file + ": cannot read: " + e, e);
  }
}
