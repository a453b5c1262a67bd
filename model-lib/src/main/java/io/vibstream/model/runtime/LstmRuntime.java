package io.vibstream.model.runtime;

/**
 * Clip inference for one {@link io.vibstream.model.lstm.CompressedLstm}: runs the LSTM over each
 * clip from a zero state and returns the classifier logits of the last hidden state.
 * Implementations are not thread-safe; use one instance per thread.
 */
public interface LstmRuntime extends AutoCloseable {

  /**
   * Logits for a batch of clips.
   *
   * @param clips [batch][T][featureDim] full feature vectors (the runtime forms the model's
   *     input u_t, with input deltas from consecutive steps, and gathers its kept inputs); every
   *     clip has the same T >= 1
   * @return [batch][classes]
   * @throws IllegalArgumentException if the batch is empty, ragged or has the wrong feature size
   */
  float[][] logits(float[][][] clips);

  /** Short name of the execution path, e.g. {@code java} or {@code djl}. */
  String name();

  /** Releases native resources; the runtime is unusable afterwards. */
  @Override
  void close();
}
