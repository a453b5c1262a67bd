package io.vibstream.model.runtime;

import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.Readout;
import java.util.Arrays;

/**
 * Step-by-step inference for one stream (batch 1) with the {@link VectorLstmRuntime} kernels:
 * {@code T} calls of {@link #step} from a reset state followed by {@link #logits()} give the
 * clip logits of {@link LstmRuntime#logits}. The state is (h, c), for a model with
 * {@link CompressedLstm#inputDeltas() input deltas} the previous feature vector, and for a model
 * with the {@link Readout#MEAN mean readout} the sum of h_t and the number of steps since the
 * reset; it can be read and restored for checkpointing. Steps allocate nothing.
 *
 * <p>Not thread-safe: one thread at a time per instance.
 */
public final class LstmStream {
  private final PackedLstm m;
  private final boolean deltas;
  private final float[] x;
  private final float[] a;
  private final float[] h;
  private final float[] c;
  private final float[] out;
  /** Sum of h_t since the reset (mean readout). */
  private final float[] sum;
  private final float[] mean;
  private int steps;
  /** x_{t-1} of a deltas model, valid while {@link #hasPrevious}. */
  private final float[] previous;
  private boolean hasPrevious;

  /** A stream in the zero state. */
  public LstmStream(CompressedLstm model) {
    this.m = new PackedLstm(model);
    this.deltas = model.inputDeltas();
    this.x = new float[m.inputSize];
    this.a = new float[m.gates];
    this.h = new float[m.paddedHidden];
    this.c = new float[m.paddedHidden];
    this.out = new float[m.paddedClasses];
    this.sum = new float[m.paddedHidden];
    this.mean = new float[m.paddedHidden];
    this.previous = new float[deltas ? model.featureDim() : 0];
  }

  /**
   * Advances the state by one time step.
   *
   * @param feature full feature vector of length featureDim
   */
  public void step(float[] feature) {
    m.input.gather(feature, hasPrevious ? previous : feature, x, 0);
    m.project(x, 0, 1, a, 0);
    m.recur(h, 0, a, 0, m.gates, a, 0, 1);
    m.cell(a, 0, c, h, 0);
    steps++;
    if (m.meanReadout) {
      PackedLstm.accumulate(h, sum, m.hidden);
    }
    if (deltas) {
      System.arraycopy(feature, 0, previous, 0, previous.length);
      hasPrevious = true;
    }
  }

  /**
   * Classifier logits of the current state (h_t, or the mean of h since the reset), a new array of
   * length classes.
   *
   * @throws IllegalStateException for a mean-readout model that has not stepped since the reset
   */
  public float[] logits() {
    if (m.meanReadout) {
      if (steps == 0) {
        throw new IllegalStateException("the mean readout needs at least one step since the reset");
      }
      PackedLstm.mean(sum, steps, mean, m.hidden);
    }
    m.classify(m.meanReadout ? mean : h, 0, 1, out, 0);
    return Arrays.copyOf(out, m.classes);
  }

  /** Back to the zero state; the next step is the first of a sequence (its input delta is 0). */
  public void reset() {
    Arrays.fill(h, 0f);
    Arrays.fill(c, 0f);
    Arrays.fill(sum, 0f);
    steps = 0;
    hasPrevious = false;
  }

  /** Copy of the sum of h_t since the reset, length H' (zeros unless the mean readout). */
  public float[] hiddenSum() {
    return Arrays.copyOf(sum, m.hidden);
  }

  /** Steps since the reset. */
  public int steps() {
    return steps;
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
   * Copy of the last feature vector stepped since the reset, which the next step's input delta
   * subtracts; null when there is none or the model reads no input deltas.
   */
  public float[] previousFeature() {
    return hasPrevious ? previous.clone() : null;
  }

  /**
   * Replaces the state of a model without input deltas, e.g. from a checkpoint of
   * {@link #hidden()} and {@link #cell()}.
   *
   * @throws IllegalArgumentException if either array's length is not H'
   * @throws IllegalStateException if the model reads input deltas: its state includes the
   *     previous feature, use {@link #restore(float[], float[], float[])}
   */
  public void restore(float[] hidden, float[] cell) {
    if (deltas) {
      throw new IllegalStateException("the model reads input deltas: restore the previous feature too");
    }
    restore(hidden, cell, null);
  }

  /**
   * Replaces the state of a mean-readout model, e.g. from a checkpoint of {@link #hidden()},
   * {@link #cell()}, {@link #previousFeature()}, {@link #hiddenSum()} and {@link #steps()}.
   *
   * @throws IllegalArgumentException as {@link #restore(float[], float[], float[])}, or if the sum's
   *     length is not H' or steps is negative
   */
  public void restore(float[] hidden, float[] cell, float[] previousFeature, float[] hiddenSum, int steps) {
    if (hiddenSum.length != m.hidden || steps < 0) {
      throw new IllegalArgumentException("hidden sum of " + hiddenSum.length + " values over " + steps
          + " steps does not fit hidden size " + m.hidden);
    }
    restoreState(hidden, cell, previousFeature);
    System.arraycopy(hiddenSum, 0, sum, 0, m.hidden);
    this.steps = steps;
  }

  /**
   * Replaces the state, e.g. from a checkpoint of {@link #hidden()}, {@link #cell()} and
   * {@link #previousFeature()}.
   *
   * @param previousFeature the feature vector before the next step, or null if the next step is
   *     the first of its sequence; always null for a model without input deltas
   * @throws IllegalArgumentException if a length does not match (H', H', featureDim), or a
   *     previous feature is given for a model without input deltas
   * @throws IllegalStateException for a mean-readout model: its state includes the sum of h, use
   *     {@link #restore(float[], float[], float[], float[], int)}
   */
  public void restore(float[] hidden, float[] cell, float[] previousFeature) {
    if (m.meanReadout) {
      throw new IllegalStateException("the model has the mean readout: restore the hidden sum and steps too");
    }
    restoreState(hidden, cell, previousFeature);
  }

  private void restoreState(float[] hidden, float[] cell, float[] previousFeature) {
    if (hidden.length != m.hidden || cell.length != m.hidden) {
      throw new IllegalArgumentException("state lengths " + hidden.length + "/" + cell.length
          + " do not match hidden size " + m.hidden);
    }
    if (previousFeature != null && (!deltas || previousFeature.length != previous.length)) {
      throw new IllegalArgumentException(deltas
          ? "previous feature has " + previousFeature.length + " values, expected " + previous.length
          : "the model reads no input deltas, so it has no previous feature");
    }
    System.arraycopy(hidden, 0, h, 0, m.hidden);
    System.arraycopy(cell, 0, c, 0, m.hidden);
    hasPrevious = previousFeature != null;
    if (hasPrevious) {
      System.arraycopy(previousFeature, 0, previous, 0, previous.length);
    }
  }
}
