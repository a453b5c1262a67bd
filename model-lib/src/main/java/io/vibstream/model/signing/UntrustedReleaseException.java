package io.vibstream.model.signing;

/**
 * A model release whose signature does not prove that a trusted key released this version of
 * this artifact: unsigned, signed by another key, or a signature that does not match. The
 * message is one line.
 */
public final class UntrustedReleaseException extends Exception {
  private static final long serialVersionUID = 1L;

  UntrustedReleaseException(String message) {
    super(message, null, false, false);
  }
}
