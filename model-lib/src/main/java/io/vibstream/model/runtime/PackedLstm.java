package io.vibstream.model.runtime;

import static io.vibstream.model.runtime.VectorActivations.tanh;

import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.Readout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A {@link CompressedLstm} packed for the Vector API, with the kernels that run it. Immutable;
 * every buffer a kernel writes belongs to the caller.
 *
 * <p>Layout. Each gate block is zero-padded from H' to a lane multiple HP, so the 4HP gate
 * pre-activations (order i, f, g, o), the state vectors and the classifier outputs are whole
 * vectors and no loop needs a scalar tail. Padded weights and biases are 0 and the padded lanes'
 * activation constants (below) are 0, so padded gates, c and h stay exactly 0. A weight matrix
 * with N outputs and K inputs is packed in panels of {@link #PANEL} = 4 vectors of outputs: panel
 * p stores, for k = 0..K-1, the PANEL weights of its outputs for input k. The kernel streams a
 * panel once per block of 4 rows (16 accumulators in registers, broadcast x_k, FMA), so weights
 * are read in order and shared across the rows of a batch; single rows take 8 accumulators (even
 * and odd k). N is always a multiple of PANEL (4HP is; the classifier is padded to one).
 *
 * <p>Activations. All four gates go through one tanh per lane, {@code act = tanh(a * in) * mul +
 * add}, with per-lane constants that fold in the gate scales: sigmoid gates (i, f, o) use in =
 * 0.5, mul = add = 0.5 s (s sigmoid(a) = s (0.5 + 0.5 tanh(a / 2)), s_o = 1) and the g gate uses
 * in = 1, mul = s_g, add = 0. Each kernel method holds at most one inlined tanh: C2 stops
 * inlining Vector API code past its node budget, and a vector passed to a non-inlined call is
 * boxed, which costs more than the arithmetic.
 */
final class PackedLstm {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  static final int PANEL = 4 * L;

  /** Gathers the D' kept inputs of u_t from raw feature vectors. */
  final InputGather input;
  final int inputSize;
  final int hidden;
  /** HP: H' rounded up to the lane count. */
  final int paddedHidden;
  /** 4 HP gate pre-activations per row. */
  final int gates;
  final int classes;
  /** C rounded up to {@link #PANEL}. */
  final int paddedClasses;
  /** Whether the classifier reads the mean of h_t over the clip rather than h_T. */
  final boolean meanReadout;
  private final float[] w;
  private final float[] u;
  private final float[] b;
  private final float[] actIn;
  private final float[] actMul;
  private final float[] actAdd;
  private final float[] fcW;
  private final float[] fcB;

  PackedLstm(CompressedLstm model) {
    input = new InputGather(model);
    inputSize = input.size();
    hidden = model.hiddenSize();
    paddedHidden = roundUp(hidden, L);
    gates = 4 * paddedHidden;
    classes = model.classes();
    paddedClasses = roundUp(classes, PANEL);
    meanReadout = model.readout() == Readout.MEAN;

    int[] rowToColumn = new int[4 * hidden];
    for (int r = 0; r < rowToColumn.length; r++) {
      rowToColumn[r] = (r / hidden) * paddedHidden + r % hidden;
    }
    w = pack(model.w(), rowToColumn, gates, inputSize);
    u = pack(model.u(), rowToColumn, gates, hidden);
    b = new float[gates];
    float[] bias = model.b();
    for (int r = 0; r < bias.length; r++) {
      b[rowToColumn[r]] = bias[r];
    }
    actIn = new float[gates];
    actMul = new float[gates];
    actAdd = new float[gates];
    float[] s = model.gateScales();
    for (int r = 0; r < 4 * hidden; r++) {
      int col = rowToColumn[r];
      boolean candidate = r / hidden == 2;
      float scale = r < 3 * hidden ? s[r] : 1f;
      actIn[col] = candidate ? 1f : 0.5f;
      actMul[col] = candidate ? scale : 0.5f * scale;
      actAdd[col] = candidate ? 0f : 0.5f * scale;
    }
    int[] identity = new int[classes];
    for (int r = 0; r < classes; r++) {
      identity[r] = r;
    }
    fcW = pack(model.fcW(), identity, paddedClasses, hidden);
    fcB = new float[paddedClasses];
    System.arraycopy(model.fcB(), 0, fcB, 0, classes);
  }

  /** Number of time steps of a batch of clips, after checking that they are rectangular. */
  static int steps(float[][][] clips) {
    if (clips.length == 0 || clips[0].length == 0) {
      throw new IllegalArgumentException("need at least one clip of at least one step");
    }
    int steps = clips[0].length;
    for (float[][] clip : clips) {
      if (clip.length != steps) {
        throw new IllegalArgumentException("clips differ in length: " + clip.length + " vs " + steps);
      }
    }
    return steps;
  }

  /** {@code out[r] = b + W x[r]} for rows of D' inputs at {@code xOff} and 4HP outputs at {@code outOff}. */
  void project(float[] x, int xOff, int rows, float[] out, int outOff) {
    gemm(w, inputSize, gates, x, xOff, inputSize, b, 0, 0, out, outOff, gates, rows);
  }

  /**
   * {@code out[r] = pre[r] + U h[r]}: h rows of stride HP at {@code hOff}, pre rows of stride
   * {@code preStride}, out rows of stride 4HP. out may be pre (same offset and stride 4HP).
   */
  void recur(float[] h, int hOff, float[] pre, int preOff, int preStride, float[] out, int outOff, int rows) {
    gemm(u, hidden, gates, h, hOff, paddedHidden, pre, preOff, preStride, out, outOff, gates, rows);
  }

  /**
   * One cell update from the 4HP pre-activations at {@code aOff}, which it overwrites with the
   * gate activations; c and h of length HP at {@code off}.
   */
  void cell(float[] a, int aOff, float[] c, float[] h, int off) {
    activate(a, aOff);
    update(a, aOff, c, h, off);
  }

  private void activate(float[] a, int aOff) {
    for (int v = 0; v < gates; v += L) {
      FloatVector x = FloatVector.fromArray(S, a, aOff + v).mul(FloatVector.fromArray(S, actIn, v));
      tanh(x).fma(FloatVector.fromArray(S, actMul, v), FloatVector.fromArray(S, actAdd, v))
          .intoArray(a, aOff + v);
    }
  }

  private void update(float[] a, int aOff, float[] c, float[] h, int off) {
    int hp = paddedHidden;
    for (int v = 0; v < hp; v += L) {
      int g = aOff + v;
      FloatVector in = FloatVector.fromArray(S, a, g);
      FloatVector forget = FloatVector.fromArray(S, a, g + hp);
      FloatVector cand = FloatVector.fromArray(S, a, g + 2 * hp);
      FloatVector out = FloatVector.fromArray(S, a, g + 3 * hp);
      FloatVector cNew = forget.fma(FloatVector.fromArray(S, c, off + v), in.mul(cand));
      cNew.intoArray(c, off + v);
      out.mul(tanh(cNew)).intoArray(h, off + v);
    }
  }

  /** Logits of h rows (stride HP) into rows of stride {@link #paddedClasses}. */
  /** {@code sum[k] += h[k]} for k in [0, n): the running sum of a mean readout. */
  static void accumulate(float[] h, float[] sum, int n) {
    for (int k = 0; k < n; k++) {
      sum[k] += h[k];
    }
  }

  /** {@code out[k] = sum[k] / steps} for k in [0, n): the mean readout of a running sum. */
  static void mean(float[] sum, int steps, float[] out, int n) {
    float scale = 1f / steps;
    for (int k = 0; k < n; k++) {
      out[k] = sum[k] * scale;
    }
  }

  void classify(float[] h, int hOff, int rows, float[] out, int outOff) {
    gemm(fcW, hidden, paddedClasses, h, hOff, paddedHidden, fcB, 0, 0, out, outOff, paddedClasses, rows);
  }

  private static int roundUp(int n, int multiple) {
    return (n + multiple - 1) / multiple * multiple;
  }

  /** Packs row-major [rows][k] into panels of n (padded) outputs; row r goes to output column col[r]. */
  private static float[] pack(float[] m, int[] col, int n, int k) {
    float[] p = new float[n * k];
    for (int r = 0; r < col.length; r++) {
      int panel = col[r] / PANEL;
      int lane = col[r] % PANEL;
      int base = panel * k * PANEL + lane;
      for (int j = 0; j < k; j++) {
        p[base + j * PANEL] = m[r * k + j];
      }
    }
    return p;
  }

  /**
   * {@code out[r][0..n) = init[r][0..n) + sum_j wp[.][j] in[r][j]} for {@code rows} rows; an
   * init stride of 0 repeats one init row (a bias).
   */
  private static void gemm(float[] wp, int k, int n, float[] in, int inOff, int inStride,
      float[] init, int initOff, int initStride, float[] out, int outOff, int outStride, int rows) {
    for (int p = 0, panels = n / PANEL; p < panels; p++) {
      int wBase = p * k * PANEL;
      int col = p * PANEL;
      int r = 0;
      for (; r + 4 <= rows; r += 4) {
        rows4(wp, wBase, k, in, inOff + r * inStride, inStride, init, initOff + r * initStride + col,
            initStride, out, outOff + r * outStride + col, outStride);
      }
      for (; r < rows; r++) {
        row1(wp, wBase, k, in, inOff + r * inStride, init, initOff + r * initStride + col, out,
            outOff + r * outStride + col);
      }
    }
  }

  /**
   * One row: two independent sets of 4 accumulators (even and odd k) halve the FMA dependency
   * chain and the loop overhead per load; C2 unrolls Vector API loops little by itself, which
   * halves the streaming bandwidth of large batch-1 products.
   */
  private static void row1(float[] wp, int wBase, int k, float[] in, int i0, float[] init, int c0,
      float[] out, int o0) {
    FloatVector a0 = FloatVector.fromArray(S, init, c0);
    FloatVector a1 = FloatVector.fromArray(S, init, c0 + L);
    FloatVector a2 = FloatVector.fromArray(S, init, c0 + 2 * L);
    FloatVector a3 = FloatVector.fromArray(S, init, c0 + 3 * L);
    FloatVector b0 = FloatVector.zero(S);
    FloatVector b1 = FloatVector.zero(S);
    FloatVector b2 = FloatVector.zero(S);
    FloatVector b3 = FloatVector.zero(S);
    int j = 0;
    int wi = wBase;
    for (; j + 1 < k; j += 2, wi += 2 * PANEL) {
      FloatVector x = FloatVector.broadcast(S, in[i0 + j]);
      FloatVector y = FloatVector.broadcast(S, in[i0 + j + 1]);
      a0 = FloatVector.fromArray(S, wp, wi).fma(x, a0);
      a1 = FloatVector.fromArray(S, wp, wi + L).fma(x, a1);
      a2 = FloatVector.fromArray(S, wp, wi + 2 * L).fma(x, a2);
      a3 = FloatVector.fromArray(S, wp, wi + 3 * L).fma(x, a3);
      b0 = FloatVector.fromArray(S, wp, wi + PANEL).fma(y, b0);
      b1 = FloatVector.fromArray(S, wp, wi + PANEL + L).fma(y, b1);
      b2 = FloatVector.fromArray(S, wp, wi + PANEL + 2 * L).fma(y, b2);
      b3 = FloatVector.fromArray(S, wp, wi + PANEL + 3 * L).fma(y, b3);
    }
    if (j < k) {
      FloatVector x = FloatVector.broadcast(S, in[i0 + j]);
      a0 = FloatVector.fromArray(S, wp, wi).fma(x, a0);
      a1 = FloatVector.fromArray(S, wp, wi + L).fma(x, a1);
      a2 = FloatVector.fromArray(S, wp, wi + 2 * L).fma(x, a2);
      a3 = FloatVector.fromArray(S, wp, wi + 3 * L).fma(x, a3);
    }
    a0.add(b0).intoArray(out, o0);
    a1.add(b1).intoArray(out, o0 + L);
    a2.add(b2).intoArray(out, o0 + 2 * L);
    a3.add(b3).intoArray(out, o0 + 3 * L);
  }

  private static void rows4(float[] wp, int wBase, int k, float[] in, int i0, int is, float[] init,
      int c0, int cs, float[] out, int o0, int os) {
    int i1 = i0 + is;
    int i2 = i1 + is;
    int i3 = i2 + is;
    FloatVector a00 = FloatVector.fromArray(S, init, c0);
    FloatVector a01 = FloatVector.fromArray(S, init, c0 + L);
    FloatVector a02 = FloatVector.fromArray(S, init, c0 + 2 * L);
    FloatVector a03 = FloatVector.fromArray(S, init, c0 + 3 * L);
    FloatVector a10 = FloatVector.fromArray(S, init, c0 + cs);
    FloatVector a11 = FloatVector.fromArray(S, init, c0 + cs + L);
    FloatVector a12 = FloatVector.fromArray(S, init, c0 + cs + 2 * L);
    FloatVector a13 = FloatVector.fromArray(S, init, c0 + cs + 3 * L);
    FloatVector a20 = FloatVector.fromArray(S, init, c0 + 2 * cs);
    FloatVector a21 = FloatVector.fromArray(S, init, c0 + 2 * cs + L);
    FloatVector a22 = FloatVector.fromArray(S, init, c0 + 2 * cs + 2 * L);
    FloatVector a23 = FloatVector.fromArray(S, init, c0 + 2 * cs + 3 * L);
    FloatVector a30 = FloatVector.fromArray(S, init, c0 + 3 * cs);
    FloatVector a31 = FloatVector.fromArray(S, init, c0 + 3 * cs + L);
    FloatVector a32 = FloatVector.fromArray(S, init, c0 + 3 * cs + 2 * L);
    FloatVector a33 = FloatVector.fromArray(S, init, c0 + 3 * cs + 3 * L);
    for (int j = 0, wi = wBase; j < k; j++, wi += PANEL) {
      FloatVector w0 = FloatVector.fromArray(S, wp, wi);
      FloatVector w1 = FloatVector.fromArray(S, wp, wi + L);
      FloatVector w2 = FloatVector.fromArray(S, wp, wi + 2 * L);
      FloatVector w3 = FloatVector.fromArray(S, wp, wi + 3 * L);
      FloatVector x = FloatVector.broadcast(S, in[i0 + j]);
      a00 = w0.fma(x, a00);
      a01 = w1.fma(x, a01);
      a02 = w2.fma(x, a02);
      a03 = w3.fma(x, a03);
      x = FloatVector.broadcast(S, in[i1 + j]);
      a10 = w0.fma(x, a10);
      a11 = w1.fma(x, a11);
      a12 = w2.fma(x, a12);
      a13 = w3.fma(x, a13);
      x = FloatVector.broadcast(S, in[i2 + j]);
      a20 = w0.fma(x, a20);
      a21 = w1.fma(x, a21);
      a22 = w2.fma(x, a22);
      a23 = w3.fma(x, a23);
      x = FloatVector.broadcast(S, in[i3 + j]);
      a30 = w0.fma(x, a30);
      a31 = w1.fma(x, a31);
      a32 = w2.fma(x, a32);
      a33 = w3.fma(x, a33);
    }
    a00.intoArray(out, o0);
    a01.intoArray(out, o0 + L);
    a02.intoArray(out, o0 + 2 * L);
    a03.intoArray(out, o0 + 3 * L);
    a10.intoArray(out, o0 + os);
    a11.intoArray(out, o0 + os + L);
    a12.intoArray(out, o0 + os + 2 * L);
    a13.intoArray(out, o0 + os + 3 * L);
    a20.intoArray(out, o0 + 2 * os);
    a21.intoArray(out, o0 + 2 * os + L);
    a22.intoArray(out, o0 + 2 * os + 2 * L);
    a23.intoArray(out, o0 + 2 * os + 3 * L);
    a30.intoArray(out, o0 + 3 * os);
    a31.intoArray(out, o0 + 3 * os + L);
    a32.intoArray(out, o0 + 3 * os + 2 * L);
    a33.intoArray(out, o0 + 3 * os + 3 * L);
  }
}
