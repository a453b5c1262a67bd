package io.vibstream.model.signing;

/** A signing key file that cannot be used. The message is one line, {@code FILE: PROBLEM}. */
public final class KeyFileException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  KeyFileException(Object file, String problem) {
    super(file + ": " + problem);
  }

  KeyFileException(Object file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
