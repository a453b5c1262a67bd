package io.vibstream.model.runtime;

import io.vibstream.model.lstm.CompressedLstm;
import java.util.Arrays;

/**
 * Step-by-step inference for one stream (batch 1) with the {@link VectorLstmRuntime} kernels:
 * {@code T} calls of {@link #step} from a reset state followed by {@link #logits()} give the
 * clip logits of {@link LstmRuntime#logits}. The state (h, c) can be read and restored for
 * checkpointing. Steps allocate nothing.
 *
 * <p>Not thread-safe: one thread at a time per instance.
 */
public final class LstmStream {
  private final PackedLstm m;
  private final float[] x;
  private final float[] a;
  private final float[] h;
  private final float[] c;
  private final float[] out;

  /** A stream in the zero state. */
  public LstmStream(CompressedLstm model) {
    this.m = new PackedLstm(model);
    this.x = new float[m.inputSize];
    this.a = new float[m.gates];
    this.h = new float[m.paddedHidden];
    this.c = new float[m.paddedHidden];
    this.out = new float[m.paddedClasses];
  }

  /**
   * Advances the state by one time step.
   *
   * @param feature full feature vector of length featureDim
   */
  public void step(float[] feature) {
    m.gather(feature, x, 0);
    m.project(x, 0, 1, a, 0);
    m.recur(h, 0, a, 0, m.gates, a, 0, 1);
    m.cell(a, 0, c, h, 0);
  }

  /** Classifier logits of the current hidden state, a new array of length classes. */
  public float[] logits() {
    m.classify(h, 0, 1, out, 0);
    return Arrays.copyOf(out, m.classes);
  }

  /** Back to the zero state. */
  public void reset() {
    Arrays.fill(h, 0f);
    Arrays.fill(c, 0f);
  }

  /** Copy of the hidden state h, length H'. */
  public float[] hidden() {
    return Arrays.copyOf(h, m.hidden);
  }

  /** Copy of the cell state c, length H'. */
  public float[] cell() {
    return Arrays.copyOf(c, m.hidden);
  }

  /**
   * Replaces the state, e.g. from a checkpoint of {@link #hidden()} and {@link #cell()}.
   *
   * @throws IllegalArgumentException if either array's length is not H'
   */
  public void restore(float[] hidden, float[] cell) {
    if (hidden.length != m.hidden || cell.length != m.hidden) {
      throw new IllegalArgumentException("state lengths " + hidden.length + "/" + cell.length
          + " do not match hidden size " + m.hidden);
    }
    System.arraycopy(hidden, 0, h, 0, m.hidden);
    System.arraycopy(cell, 0, c, 0, m.hidden);
  }
}
