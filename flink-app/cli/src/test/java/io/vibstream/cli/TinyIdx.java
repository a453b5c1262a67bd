package io.vibstream.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a small MNIST-format data set whose class is in the motion across rows (time steps): a
 * bright dot that stays in one column (class 0), moves right (class 1) or moves left (class 2).
 * No single row tells the class.
 */
final class TinyIdx {
  static final int SIZE = 12;

  private TinyIdx() {}

  static Path write(Path dir, int train, int test, long seed) throws IOException {
    Files.createDirectories(dir);
    Random random = new Random(seed);
    split(dir, "train", train, random);
    split(dir, "t10k", test, random);
    return dir;
  }

  private static void split(Path dir, String prefix, int n, Random random) throws IOException {
    byte[] pixels = new byte[n * SIZE * SIZE];
    byte[] labels = new byte[n];
    for (int e = 0; e < n; e++) {
      int label = e % 3;
      labels[e] = (byte) label;
      int start = label == 0 ? random.nextInt(SIZE) : label == 1 ? random.nextInt(3) : SIZE - 1 - random.nextInt(3);
      for (int row = 0; row < SIZE; row++) {
        int col = label == 0 ? start : label == 1 ? Math.min(SIZE - 1, start + row * 3 / 4) : Math.max(0, start - row * 3 / 4);
        for (int c = 0; c < SIZE; c++) {
          int noise = random.nextInt(40);
          pixels[(e * SIZE + row) * SIZE + c] = (byte) (c == col ? 255 - noise : noise);
        }
      }
    }
    try (DataOutputStream out = new DataOutputStream(gzip(dir.resolve(prefix + "-images-idx3-ubyte.gz")))) {
      out.writeInt(2051);
      out.writeInt(n);
      out.writeInt(SIZE);
      out.writeInt(SIZE);
      out.write(pixels);
    }
    try (DataOutputStream out = new DataOutputStream(gzip(dir.resolve(prefix + "-labels-idx1-ubyte.gz")))) {
      out.writeInt(2049);
      out.writeInt(n);
      out.write(labels);
    }
  }

  private static OutputStream gzip(Path file) throws IOException {
    return new GZIPOutputStream(Files.newOutputStream(file));
  }
}
