package io.vibstream.model.lstm;

/** Parameter counts as the VIB-LSTM paper's tables count them. */
public final class LstmParams {
  private LstmParams() {}

  /**
   * LSTM parameters of a PyTorch-style cell with two bias vectors: {@code 4 (D H + H^2 + 2 H)}.
   * The classifier layer and gate scales are not included.
   */
  public static long count(long inputSize, long hiddenSize) {
    if (inputSize < 0 || hiddenSize < 0) {
      throw new IllegalArgumentException("sizes must be >= 0, got D=" + inputSize + " H=" + hiddenSize);
    }
    return 4 * (inputSize * hiddenSize + hiddenSize * hiddenSize + 2 * hiddenSize);
  }

  /** Parameters of the linear classifier on the last hidden state: {@code C H + C}. */
  public static long classifier(long hiddenSize, long classes) {
    return classes * hiddenSize + classes;
  }
}
