package io.vibstream.model.lstm;

import java.util.Locale;

/**
 * What the classifier of an LSTM reads after the last step of a clip of T steps.
 *
 * <p>{@link #LAST} reads h_T, the classic sequence classifier: a small LSTM must carry all its
 * evidence to the end of the clip. {@link #MEAN} reads (1/T) sum_t h_t, the hidden states pooled
 * over the clip, so every step's evidence reaches the classifier directly. The classifier is
 * linear, so the mean costs one running sum per hidden unit and no LSTM parameter.
 */
public enum Readout {
  /** logits = W_fc h_T + b_fc. */
  LAST,
  /** logits = W_fc (1/T) sum_t h_t + b_fc. */
  MEAN;

  /** The name in model files and on command lines: {@code last} or {@code mean}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The readout named {@code id} ({@code last} or {@code mean}).
   *
   * @throws IllegalArgumentException for any other name
   */
  public static Readout of(String id) {
    for (Readout r : values()) {
      if (r.id().equals(id)) {
        return r;
      }
    }
    throw new IllegalArgumentException("readout must be 'last' or 'mean', got '" + id + "'");
  }
}
