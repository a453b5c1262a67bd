package io.vibstream.model.backbone;

import io.vibstream.model.io.OneLine;

/**
 * A backbone that cannot be opened, loaded or run. The message is one line, usually
 * {@code SOURCE: PROBLEM} where the source is the model file or spec.
 */
public final class BackboneException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error with a one-line message. */
  public BackboneException(String message) {
    super(OneLine.of(message));
  }

  /** An error with a one-line message and its cause. */
  public BackboneException(String message, Throwable cause) {
    super(OneLine.of(message), cause);
  }

  static String firstLine(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
