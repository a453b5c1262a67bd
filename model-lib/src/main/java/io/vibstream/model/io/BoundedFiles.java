package io.vibstream.model.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Whole-file reads with a size limit, for files whose size the reader does not control (a model
 * named in a release, a dataset's clip). A file above the limit, or one that is not a regular
 * file (a directory, a device such as /dev/zero, a FIFO), is refused with a
 * {@link FileLimitException} before its content is read, so a wrong or hostile path costs neither
 * the heap nor a hang. The limit also holds for a file that grows while it is read.
 */
public final class BoundedFiles {
  private static final long MIB = 1024 * 1024;

  private BoundedFiles() {}

  /**
   * The bytes of {@code file}, at most {@code maxBytes} of them.
   *
   * @param maxBytes the limit, below 2 GiB
   * @param what the kind of file, for the message, e.g. "a .vib model file"
   * @throws NoSuchFileException if there is no such file
   * @throws FileLimitException if it is larger than {@code maxBytes} or not a regular file
   * @throws IOException if it cannot be read
   */
  public static byte[] read(Path file, int maxBytes, String what) throws IOException {
    if (maxBytes < 0 || maxBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxBytes must be in [0, 2^31 - 9], got " + maxBytes);
    }
    if (!Files.isRegularFile(file)) {
      if (!Files.exists(file)) {
        throw new NoSuchFileException(file.toString());
      }
      throw new FileLimitException("not a regular file (" + what + " must be one)");
    }
    long size = Files.size(file);
    if (size > maxBytes) {
      throw tooLarge(size + " bytes", maxBytes, what);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(maxBytes);
      if (in.read() != -1) {
        throw tooLarge("more than " + maxBytes + " bytes (it grew while read)", maxBytes, what);
      }
      return bytes;
    }
  }

  private static FileLimitException tooLarge(String size, int maxBytes, String what) {
    String limit = maxBytes % MIB == 0 ? maxBytes / MIB + " MiB" : maxBytes + " bytes";
    return new FileLimitException(size + ", more than the " + limit + " " + what + " may have");
  }
}
