package io.vibstream.model.vib;

/**
 * Knowledge distillation from a teacher (the uncompressed baseline) into a smaller LSTM: each
 * training example's loss becomes
 * {@code (1 - weight) * CE(y, softmax(s)) + weight * T^2 * CE(softmax(t / T), softmax(s / T))}
 * for student logits {@code s}, teacher logits {@code t} and temperature {@code T} (Hinton et al.,
 * 2015). The softened teacher spreads probability over the classes it finds alike, which carries
 * more per example than the label for a student too small to fit every training clip.
 */
public final class Distillation {
  private final float[][] softTargets;
  private final double weight;
  private final double temperature;

  /**
   * @param teacherLogits per training example (in the data set's order), one logit per class
   * @param weight share of the distillation term, in (0, 1]
   * @param temperature softening temperature, > 0
   */
  public Distillation(float[][] teacherLogits, double weight, double temperature) {
    if (!(weight > 0 && weight <= 1) || !(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("distillation weight must be in (0, 1] and temperature > 0, got " + weight
          + " and " + temperature);
    }
    if (teacherLogits.length == 0) {
      throw new IllegalArgumentException("no teacher logits");
    }
    this.weight = weight;
    this.temperature = temperature;
    this.softTargets = new float[teacherLogits.length][];
    for (int n = 0; n < teacherLogits.length; n++) {
      softTargets[n] = soften(teacherLogits[n], temperature);
    }
  }

  public double weight() {
    return weight;
  }

  public double temperature() {
    return temperature;
  }

  /** Training examples the teacher scored. */
  public int examples() {
    return softTargets.length;
  }

  /** Classes of the teacher. */
  public int classes() {
    return softTargets[0].length;
  }

  /** The softened teacher distribution of {@code example}, written to {@code dst} at {@code offset}. */
  void copyTargets(int example, float[] dst, int offset) {
    System.arraycopy(softTargets[example], 0, dst, offset, softTargets[example].length);
  }

  private static float[] soften(float[] logits, double temperature) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double[] e = new double[logits.length];
    double sum = 0;
    for (int c = 0; c < logits.length; c++) {
      e[c] = Math.exp((logits[c] - max) / temperature);
      sum += e[c];
    }
    float[] p = new float[logits.length];
    for (int c = 0; c < logits.length; c++) {
      p[c] = (float) (e[c] / sum);
    }
    return p;
  }
}
