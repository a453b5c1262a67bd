package io.vibstream.model.artifact;

import io.vibstream.model.io.OneLine;

/**
 * A {@code .vib} model artifact that cannot be loaded. The message is one line,
 * {@code SOURCE: PROBLEM}, where the source is the file or the name the bytes came under.
 */
public final class InvalidArtifactException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String problem;

  InvalidArtifactException(String source, String problem) {
    this(source, problem, null);
  }

  InvalidArtifactException(String source, String problem, Throwable cause) {
    super(OneLine.of(source + ": " + problem), cause);
    this.source = source;
    this.problem = OneLine.of(problem);
  }

  /** The file, or the name under which the bytes arrived. */
  public String source() {
    return source;
  }

  /** What is wrong, without the source. */
  public String problem() {
    return problem;
  }
}
