package io.vibstream.model.lstm;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense LSTM produced by pruning a VIB-LSTM, plus its classifier. Immutable.
 *
 * <p>The model reads feature vectors x_t of dimension D = {@link #featureDim()}. Its input at step
 * t is u_t = x_t, or with {@link #inputDeltas()} the temporal difference appended,
 * u_t = [x_t, x_t - x_{t-1}] with x_{-1} = x_0 (the first step's difference is 0), of width
 * {@link #inputWidth()} = D or 2D. It uses only the {@link #keptInputs()} of u_t
 * (D' = keptInputs.length). With hidden size H', gate order i, f, g, o and v_t the kept inputs
 * of u_t:
 *
 * <pre>
 *   a   = W v_t + U h_{t-1} + b               (4H' pre-activations)
 *   i_t = sigmoid(a_i) * s_i
 *   f_t = sigmoid(a_f) * s_f
 *   g_t = tanh(a_g)    * s_g
 *   o_t = sigmoid(a_o)
 *   c_t = f_t * c_{t-1} + i_t * g_t
 *   h_t = o_t * tanh(c_t)
 *   logits = W_fc r + b_fc,   r = h_T, or (1/T) sum_t h_t with the {@link Readout#MEAN mean readout}
 * </pre>
 *
 * The input mask means are folded into W; the output-gate mask means are folded into the
 * columns of U and W_fc (h_t enters the model only through those), so only three gate scale
 * vectors s_i, s_f, s_g remain. All matrices are row-major float arrays.
 */
public final class CompressedLstm {
  private final int featureDim;
  private final boolean inputDeltas;
  private final Readout readout;
  private final int[] keptInputs;
  private final int hidden;
  private final int classes;
  private final float[] w;
  private final float[] u;
  private final float[] b;
  private final float[] gateScales;
  private final float[] fcW;
  private final float[] fcB;

  private CompressedLstm(Builder builder) {
    this.featureDim = builder.featureDim;
    this.inputDeltas = builder.inputDeltas;
    this.readout = builder.readout;
    this.keptInputs = builder.keptInputs.clone();
    this.hidden = builder.hidden;
    this.classes = builder.classes;
    this.w = builder.w.clone();
    this.u = builder.u.clone();
    this.b = builder.b.clone();
    this.gateScales = builder.gateScales.clone();
    this.fcW = builder.fcW.clone();
    this.fcB = builder.fcB.clone();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Dimension of the feature vectors this model reads (the backbone's output size). */
  public int featureDim() {
    return featureDim;
  }

  /** Whether the input appends the temporal difference x_t - x_{t-1} to x_t. */
  public boolean inputDeltas() {
    return inputDeltas;
  }

  /** What the classifier reads: h_T, or the mean of h_t over the clip. */
  public Readout readout() {
    return readout;
  }

  /** Width of the input u_t that {@link #keptInputs()} index: D, or 2D with input deltas. */
  public int inputWidth() {
    return inputDeltas ? 2 * featureDim : featureDim;
  }

  /** Ascending indices into the input u_t that the model uses (D' of them). */
  public int[] keptInputs() {
    return keptInputs.clone();
  }

  /** D': number of kept input features. */
  public int inputSize() {
    return keptInputs.length;
  }

  /** H': hidden size. */
  public int hiddenSize() {
    return hidden;
  }

  public int classes() {
    return classes;
  }

  /** Input weights, [4H'][D'] row-major, gate order i, f, g, o, input mask folded in. */
  public float[] w() {
    return w.clone();
  }

  /** Recurrent weights, [4H'][H'] row-major, output-gate mask folded into the columns. */
  public float[] u() {
    return u.clone();
  }

  /** Gate biases (input and hidden bias summed), [4H']. */
  public float[] b() {
    return b.clone();
  }

  /** Gate mask means s_i, s_f, s_g, [3][H'] row-major. */
  public float[] gateScales() {
    return gateScales.clone();
  }

  /** Classifier weights, [C][H'] row-major, output-gate mask folded into the columns. */
  public float[] fcW() {
    return fcW.clone();
  }

  /** Classifier bias, [C]. */
  public float[] fcB() {
    return fcB.clone();
  }

  /** LSTM parameters by the paper's formula {@code 4 (D'H' + H'^2 + 2H')}. */
  public long lstmParams() {
    return LstmParams.count(inputSize(), hidden);
  }

  /** Classifier parameters {@code C H' + C}, reported apart from the LSTM count. */
  public long classifierParams() {
    return LstmParams.classifier(hidden, classes);
  }

  /** Gate scale parameters (3 H'), reported apart from the LSTM count. */
  public long gateScaleParams() {
    return 3L * hidden;
  }

  /** A builder holding this model's fields, to derive a model that differs in some of them. */
  public Builder toBuilder() {
    return builder().featureDim(featureDim).inputDeltas(inputDeltas).readout(readout).keptInputs(keptInputs)
        .hiddenSize(hidden).classes(classes).weights(w, u, b).gateScales(gateScales).classifier(fcW, fcB);
  }

  @Override
  public String toString() {
    return "CompressedLstm[D'=" + inputSize() + "/" + inputWidth() + (inputDeltas ? " (features+deltas)" : "")
        + ", H'=" + hidden + (readout == Readout.MEAN ? " (mean readout)" : "") + ", classes=" + classes
        + ", lstmParams=" + lstmParams() + "]";
  }

  /** Validating builder; every array is copied. */
  public static final class Builder {
    private int featureDim = -1;
    private boolean inputDeltas;
    private Readout readout = Readout.LAST;
    private int[] keptInputs;
    private int hidden = -1;
    private int classes = -1;
    private float[] w;
    private float[] u;
    private float[] b;
    private float[] gateScales;
    private float[] fcW;
    private float[] fcB;

    private Builder() {}

    public Builder featureDim(int featureDim) {
      this.featureDim = featureDim;
      return this;
    }

    /** Whether the input is [x_t, x_t - x_{t-1}] rather than x_t (default false). */
    public Builder inputDeltas(boolean inputDeltas) {
      this.inputDeltas = inputDeltas;
      return this;
    }

    /** What the classifier reads (default {@link Readout#LAST}). */
    public Builder readout(Readout readout) {
      this.readout = Objects.requireNonNull(readout, "readout");
      return this;
    }

    /** Ascending indices into the input u_t, in [0, D) or with input deltas [0, 2D). */
    public Builder keptInputs(int[] keptInputs) {
      this.keptInputs = Objects.requireNonNull(keptInputs, "keptInputs");
      return this;
    }

    public Builder hiddenSize(int hidden) {
      this.hidden = hidden;
      return this;
    }

    public Builder classes(int classes) {
      this.classes = classes;
      return this;
    }

    public Builder weights(float[] w, float[] u, float[] b) {
      this.w = Objects.requireNonNull(w, "w");
      this.u = Objects.requireNonNull(u, "u");
      this.b = Objects.requireNonNull(b, "b");
      return this;
    }

    public Builder gateScales(float[] gateScales) {
      this.gateScales = Objects.requireNonNull(gateScales, "gateScales");
      return this;
    }

    public Builder classifier(float[] fcW, float[] fcB) {
      this.fcW = Objects.requireNonNull(fcW, "fcW");
      this.fcB = Objects.requireNonNull(fcB, "fcB");
      return this;
    }

    /** Sets all gate scales to 1 (an ordinary LSTM). Call after {@link #hiddenSize(int)}. */
    public Builder unitGateScales() {
      require(hidden >= 1, "hiddenSize must be set before unitGateScales()");
      float[] ones = new float[3 * hidden];
      Arrays.fill(ones, 1f);
      this.gateScales = ones;
      return this;
    }

    public CompressedLstm build() {
      require(featureDim >= 1, "featureDim must be >= 1, got " + featureDim);
      require(!inputDeltas || featureDim <= Integer.MAX_VALUE / 2, "featureDim " + featureDim
          + " is too large for input deltas");
      require(keptInputs != null && keptInputs.length >= 1, "keptInputs must hold at least one index");
      require(hidden >= 1, "hiddenSize must be >= 1, got " + hidden);
      require(classes >= 1, "classes must be >= 1, got " + classes);
      long width = inputDeltas ? 2L * featureDim : featureDim;
      int prev = -1;
      for (int k : keptInputs) {
        require(k > prev && k < width,
            "keptInputs must be ascending indices in [0, " + width + "), found " + k + " after " + prev);
        prev = k;
      }
      int d = keptInputs.length;
      checkLength("w", w, 4L * hidden * d);
      checkLength("u", u, 4L * hidden * hidden);
      checkLength("b", b, 4L * hidden);
      checkLength("gateScales", gateScales, 3L * hidden);
      checkLength("fcW", fcW, (long) classes * hidden);
      checkLength("fcB", fcB, classes);
      for (float[] a : new float[][] {w, u, b, gateScales, fcW, fcB}) {
        for (float v : a) {
          require(Float.isFinite(v), "weights must be finite, found " + v);
        }
      }
      return new CompressedLstm(this);
    }

    private static void checkLength(String name, float[] a, long expected) {
      require(a != null, name + " is not set");
      require(a.length == expected, name + " has " + a.length + " values, expected " + expected);
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
