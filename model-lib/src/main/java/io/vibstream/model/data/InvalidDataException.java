package io.vibstream.model.data;

import io.vibstream.model.io.OneLine;

/** Training data that cannot be loaded. The message is one line naming the file or spec and the problem. */
public final class InvalidDataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  InvalidDataException(String message) {
    super(OneLine.of(message));
  }

  InvalidDataException(String message, Throwable cause) {
    super(OneLine.of(message), cause);
  }
}
