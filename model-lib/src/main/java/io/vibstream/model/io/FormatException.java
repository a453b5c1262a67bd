package io.vibstream.model.io;

/**
 * Content that does not follow its file format. The message is one line naming the problem
 * (quoted content is escaped and long messages cut, {@link OneLine}).
 */
public class FormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A format error described by {@code message} (one line). */
  public FormatException(String message) {
    super(OneLine.of(message));
  }

  /** A format error described by {@code message} (one line), caused by {@code cause}. */
  public FormatException(String message, Throwable cause) {
    super(OneLine.of(message), cause);
  }
}
