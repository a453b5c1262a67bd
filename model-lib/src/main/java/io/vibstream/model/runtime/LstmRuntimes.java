package io.vibstream.model.runtime;

import ai.djl.engine.Engine;
import io.vibstream.model.lstm.CompressedLstm;

/**
 * Picks the clip-inference path for a model and batch size.
 *
 * <p>Rule: {@link VectorLstmRuntime} (plain Java) unless DJL's PyTorch engine sees a GPU and the
 * batch is at least {@value #SMALL_BATCH} and the model's gate weights {@code 4H'(D'+H')} number
 * at least {@value #SMALL_MODEL_GATE_WEIGHTS} (the 256 x 128 equivalent); then
 * {@link TorchLstmRuntime}.
 *
 * <p>Why: on a CPU the Java path is faster at every size and batch measured (docs/performance.md);
 * DJL's per-operation overhead dominates small models, and on a GPU kernel launch latency does.
 */
public final class LstmRuntimes {
  /** With a GPU, batches smaller than this still run in Java. */
  public static final int SMALL_BATCH = 8;
  /** With a GPU, models with fewer gate weights {@code 4H'(D'+H')} than this still run in Java. */
  public static final long SMALL_MODEL_GATE_WEIGHTS = 4L * 128 * (256 + 128);

  private LstmRuntimes() {}

  /**
   * Whether the rule picks the Java path.
   *
   * @param djlOnGpu whether DJL's PyTorch engine would run on a GPU
   */
  public static boolean prefersJava(int inputSize, int hiddenSize, int batch, boolean djlOnGpu) {
    return !djlOnGpu
        || batch < SMALL_BATCH
        || 4L * hiddenSize * (inputSize + hiddenSize) < SMALL_MODEL_GATE_WEIGHTS;
  }

  /**
   * A new runtime for this model on the path the rule picks for this batch size. Loads the
   * PyTorch engine (to count GPUs) only for batches and models large enough to need it.
   */
  public static LstmRuntime forBatch(CompressedLstm model, int batch) {
    int d = model.inputSize();
    int h = model.hiddenSize();
    if (prefersJava(d, h, batch, true)
        || prefersJava(d, h, batch, Engine.getEngine("PyTorch").getGpuCount() > 0)) {
      return new VectorLstmRuntime(model);
    }
    return new TorchLstmRuntime(model);
  }
}
