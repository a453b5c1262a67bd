package io.vibstream.model.io;

import java.io.IOException;

/**
 * A file refused by {@link BoundedFiles} before its content is read: larger than its format
 * allows, or not a regular file. The message is one line without the path, e.g. {@code 3000000000
 * bytes, more than the 256 MiB a .vib model file may have}, for callers to prefix with the file.
 */
public final class FileLimitException extends IOException {
  private static final long serialVersionUID = 1L;

  FileLimitException(String message) {
    super(message);
  }
}
