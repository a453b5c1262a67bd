package io.vibstream.model.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes tiny MNIST-style IDX files for tests. */
final class IdxFiles {
  private IdxFiles() {}

  /** IDX3 images: magic 2051, count, rows, cols (big-endian), then the pixels. */
  static byte[] images(int count, int rows, int cols, byte[] pixels) {
    return ByteBuffer.allocate(16 + pixels.length).putInt(2051).putInt(count).putInt(rows).putInt(cols)
        .put(pixels).array();
  }

  /** IDX1 labels: magic 2049, count (big-endian), then the labels. */
  static byte[] labels(byte... labels) {
    return ByteBuffer.allocate(8 + labels.length).putInt(2049).putInt(labels.length).put(labels).array();
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  /**
   * A train split of 3 images and a test split of 2, each 2 rows x 3 columns; pixel j of image i is
   * {@code 10 * i + j}, except that the first pixel of the first training image is 255.
   */
  static void writeTiny(Path dir, boolean gzipped) throws IOException {
    Files.createDirectories(dir);
    write(dir, "train-images-idx3-ubyte", images(3, 2, 3, pixels(3, 6)), gzipped);
    write(dir, "train-labels-idx1-ubyte", labels((byte) 0, (byte) 9, (byte) 4), gzipped);
    write(dir, "t10k-images-idx3-ubyte", images(2, 2, 3, pixels(2, 6)), gzipped);
    write(dir, "t10k-labels-idx1-ubyte", labels((byte) 1, (byte) 2), gzipped);
  }

  static byte[] pixels(int count, int size) {
    byte[] pixels = new byte[count * size];
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < size; j++) {
        pixels[i * size + j] = (byte) (10 * i + j);
      }
    }
    pixels[0] = (byte) 255;
    return pixels;
  }

  static void write(Path dir, String name, byte[] bytes, boolean gzipped) throws IOException {
    if (gzipped) {
      Files.write(dir.resolve(name + ".gz"), gzip(bytes));
    } else {
      Files.write(dir.resolve(name), bytes);
    }
  }
}
