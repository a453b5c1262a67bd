package io.vibstream.model.runtime;

import io.vibstream.model.lstm.CompressedLstm;
import java.util.Arrays;

/**
 * Plain-Java clip inference on the incubating Vector API (needs
 * {@code --add-modules=jdk.incubator.vector}). The input projection {@code W x_t + b} of all
 * steps and clips is computed first as one panel-packed matrix product, then each step adds
 * {@code U h_{t-1}} and applies the cell with vectorized activations. Scratch buffers grow to
 * the largest batch x T seen and are reused, so repeated calls allocate only the result.
 *
 * <p>Not thread-safe: one thread at a time per instance.
 */
public final class VectorLstmRuntime implements LstmRuntime {
  private final PackedLstm m;
  private float[] x = new float[0];
  private float[] xw = new float[0];
  private float[] a = new float[0];
  private float[] h = new float[0];
  private float[] c = new float[0];
  private float[] sum = new float[0];
  private float[] out = new float[0];

  public VectorLstmRuntime(CompressedLstm model) {
    this.m = new PackedLstm(model);
  }

  @Override
  public float[][] logits(float[][][] clips) {
    int steps = PackedLstm.steps(clips);
    int batch = clips.length;
    int g = m.gates;
    int hp = m.paddedHidden;
    ensureCapacity(batch, steps);
    int rows = batch * steps;
    for (int bt = 0; bt < rows; bt++) {
      m.input.gather(clips[bt / steps], bt % steps, x, bt * m.inputSize);
    }
    m.project(x, 0, rows, xw, 0);
    Arrays.fill(c, 0, batch * hp, 0f);
    if (m.meanReadout) {
      Arrays.fill(sum, 0, batch * hp, 0f);
    }
    for (int t = 0; t < steps; t++) {
      // h_0 = 0, so step 0's pre-activations are the projection itself.
      float[] pre = xw;
      int preOff = t * g;
      int preStride = steps * g;
      if (t > 0) {
        m.recur(h, 0, xw, preOff, preStride, a, 0, batch);
        pre = a;
        preOff = 0;
        preStride = g;
      }
      for (int b = 0; b < batch; b++) {
        m.cell(pre, preOff + b * preStride, c, h, b * hp);
      }
      if (m.meanReadout) {
        PackedLstm.accumulate(h, sum, batch * hp);
      }
    }
    if (m.meanReadout) {
      PackedLstm.mean(sum, steps, h, batch * hp);
    }
    m.classify(h, 0, batch, out, 0);
    float[][] logits = new float[batch][m.classes];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(out, b * m.paddedClasses, logits[b], 0, m.classes);
    }
    return logits;
  }

  @Override
  public String name() {
    return "java";
  }

  /** Nothing native to release. */
  @Override
  public void close() {}

  private void ensureCapacity(int batch, int steps) {
    int rows = batch * steps;
    if (x.length < rows * m.inputSize) {
      x = new float[rows * m.inputSize];
    }
    if (xw.length < rows * m.gates) {
      xw = new float[rows * m.gates];
    }
    if (a.length < batch * m.gates) {
      a = new float[batch * m.gates];
      h = new float[batch * m.paddedHidden];
      c = new float[batch * m.paddedHidden];
      sum = new float[batch * m.paddedHidden];
      out = new float[batch * m.paddedClasses];
    }
  }
}
