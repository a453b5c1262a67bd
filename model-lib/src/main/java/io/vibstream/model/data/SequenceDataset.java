package io.vibstream.model.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Labeled sequences of equal length: {@code size()} examples, each {@code timeSteps()} steps of
 * {@code featureDim()} floats, stored flat and row-major (example, step, feature).
 */
public final class SequenceDataset {
  private final float[] data;
  private final int[] labels;
  private final int timeSteps;
  private final int featureDim;
  private final List<String> classNames;

  public SequenceDataset(float[] data, int[] labels, int timeSteps, int featureDim, List<String> classNames) {
    this.data = Objects.requireNonNull(data, "data");
    this.labels = Objects.requireNonNull(labels, "labels");
    this.classNames = List.copyOf(classNames);
    if (timeSteps < 1 || featureDim < 1) {
      throw new IllegalArgumentException("timeSteps and featureDim must be >= 1, got " + timeSteps + ", " + featureDim);
    }
    if ((long) labels.length * timeSteps * featureDim != data.length) {
      throw new IllegalArgumentException("data holds " + data.length + " floats, expected " + labels.length + " x "
          + timeSteps + " x " + featureDim);
    }
    for (int label : labels) {
      if (label < 0 || label >= this.classNames.size()) {
        throw new IllegalArgumentException("label " + label + " outside [0, " + this.classNames.size() + ")");
      }
    }
    this.timeSteps = timeSteps;
    this.featureDim = featureDim;
  }

  public int size() {
    return labels.length;
  }

  public int timeSteps() {
    return timeSteps;
  }

  public int featureDim() {
    return featureDim;
  }

  /** Class names, indexed by label. */
  public List<String> classNames() {
    return classNames;
  }

  public int label(int example) {
    return labels[example];
  }

  /** Copies example {@code i} (T x D floats) into {@code dst} at {@code offset}. */
  public void copySequence(int example, float[] dst, int offset) {
    int len = timeSteps * featureDim;
    System.arraycopy(data, example * len, dst, offset, len);
  }

  /** Example {@code i} as T rows of D features. */
  public float[][] sequence(int example) {
    float[][] seq = new float[timeSteps][];
    int base = example * timeSteps * featureDim;
    for (int t = 0; t < timeSteps; t++) {
      seq[t] = Arrays.copyOfRange(data, base + t * featureDim, base + (t + 1) * featureDim);
    }
    return seq;
  }

  /** The first {@code n} examples after a seeded shuffle (class balance is kept in expectation). */
  public SequenceDataset sample(int n, long seed) {
    if (n >= size()) {
      return this;
    }
    int[] order = shuffledIndices(seed);
    return select(Arrays.copyOf(order, n));
  }

  /** A permutation of {@code 0..size()-1}. */
  public int[] shuffledIndices(long seed) {
    int[] order = new int[size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }

  /**
   * These examples followed by those of {@code other}.
   *
   * @throws IllegalArgumentException if {@code other} differs in steps, features or classes
   */
  public SequenceDataset concat(SequenceDataset other) {
    if (other.timeSteps != timeSteps || other.featureDim != featureDim || !other.classNames.equals(classNames)) {
      throw new IllegalArgumentException("cannot join " + other.size() + " sequences of " + other.timeSteps + " x "
          + other.featureDim + " (" + other.classNames + ") to sequences of " + timeSteps + " x " + featureDim + " ("
          + classNames + ")");
    }
    float[] out = Arrays.copyOf(data, data.length + other.data.length);
    System.arraycopy(other.data, 0, out, data.length, other.data.length);
    int[] outLabels = Arrays.copyOf(labels, labels.length + other.labels.length);
    System.arraycopy(other.labels, 0, outLabels, labels.length, other.labels.length);
    return new SequenceDataset(out, outLabels, timeSteps, featureDim, classNames);
  }

  /** The examples at {@code indices}, in that order. */
  public SequenceDataset select(int[] indices) {
    int len = timeSteps * featureDim;
    float[] out = new float[indices.length * len];
    int[] outLabels = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      System.arraycopy(data, indices[k] * len, out, k * len, len);
      outLabels[k] = labels[indices[k]];
    }
    return new SequenceDataset(out, outLabels, timeSteps, featureDim, classNames);
  }
}
