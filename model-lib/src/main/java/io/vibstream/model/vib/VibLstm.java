package io.vibstream.model.vib;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.Readout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An LSTM classifier with VIB masks on its input features and on its four activated gates,
 * trainable with DJL's autograd (PyTorch engine).
 *
 * <pre>
 *   v_t = x_t * z_v                                        (input mask, D units)
 *   i_t = sigmoid(W_i v_t + U_i h_{t-1} + b_i) * z_i       (gate masks, H units each)
 *   f_t = sigmoid(W_f v_t + U_f h_{t-1} + b_f) * z_f
 *   g_t = tanh   (W_g v_t + U_g h_{t-1} + b_g) * z_g
 *   o_t = sigmoid(W_o v_t + U_o h_{t-1} + b_o) * z_o
 *   c_t = f_t * c_{t-1} + i_t * g_t
 *   h_t = o_t * tanh(c_t)
 *   logits = W_fc r + b_fc,   r = h_T, or (1/T) sum_t h_t with the mean {@link Readout}
 * </pre>
 *
 * <p>Three kinds of model share these equations: {@link Kind#PLAIN} (all z = 1, the uncompressed
 * baseline), {@link Kind#VIB} (z are {@link VibMask}s: sampled per example in training, mu on kept
 * units at inference) and {@link Kind#FROZEN} (z are fixed scale vectors, as after slicing a pruned
 * model for fine-tuning). The gate mask is one {@link VibMask} of 4H units, gate k owning units
 * [kH, (k+1)H) in the order i, f, g, o.
 *
 * <p>The model reads {@link #inputIndices()} of feature vectors of dimension {@link #featureDim()}
 * (all of them unless it was sliced from a pruned model). Not thread-safe; close it to free its
 * native memory.
 */
public final class VibLstm implements AutoCloseable {
  /** How the masks behave. */
  public enum Kind { PLAIN, VIB, FROZEN }

  private final NDManager manager;
  private final Kind kind;
  private final int featureDim;
  private final int[] inputIndices;
  private final int inputSize;
  private final int hidden;
  private final int classes;
  private final Readout readout;
  private final Map<String, NDArray> weights = new LinkedHashMap<>();
  private VibMask inputMask;
  private VibMask gateMask;
  private float[] frozenGateScale;
  private double threshold;

  private VibLstm(NDManager parent, Kind kind, int featureDim, int[] inputIndices, int hidden, int classes,
      Readout readout) {
    this.manager = parent.newSubManager();
    this.readout = java.util.Objects.requireNonNull(readout, "readout");
    this.kind = kind;
    this.featureDim = featureDim;
    this.inputIndices = inputIndices.clone();
    this.inputSize = inputIndices.length;
    this.hidden = hidden;
    this.classes = classes;
  }

  /** A freshly initialized plain LSTM reading all {@code inputSize} features (seeded), last readout. */
  public static VibLstm plain(NDManager parent, int inputSize, int hidden, int classes, long seed) {
    return plain(parent, inputSize, identity(inputSize), hidden, classes, Readout.LAST, seed);
  }

  /** A freshly initialized plain LSTM reading all {@code inputSize} features (seeded). */
  public static VibLstm plain(NDManager parent, int inputSize, int hidden, int classes, Readout readout,
      long seed) {
    return plain(parent, inputSize, identity(inputSize), hidden, classes, readout, seed);
  }

  /**
   * A freshly initialized plain LSTM (PyTorch's uniform init, forget-gate bias +1) reading the
   * features {@code inputIndices} of vectors of dimension {@code featureDim} (seeded).
   */
  public static VibLstm plain(NDManager parent, int featureDim, int[] inputIndices, int hidden, int classes,
      Readout readout, long seed) {
    int inputSize = inputIndices.length;
    if (inputSize < 1 || hidden < 1 || classes < 2) {
      throw new IllegalArgumentException("need inputSize >= 1, hidden >= 1, classes >= 2; got "
          + inputSize + ", " + hidden + ", " + classes);
    }
    int prev = -1;
    for (int index : inputIndices) {
      if (index <= prev || index >= featureDim) {
        throw new IllegalArgumentException("input indices must ascend within [0, " + featureDim + ")");
      }
      prev = index;
    }
    VibLstm model = new VibLstm(parent, Kind.PLAIN, featureDim, inputIndices, hidden, classes, readout);
    Random random = new Random(seed);
    float k = (float) (1.0 / Math.sqrt(hidden));
    float[] b = uniform(random, 4 * hidden, k);
    for (int j = hidden; j < 2 * hidden; j++) {
      b[j] += 1f;
    }
    model.setWeights(uniform(random, 4 * hidden * inputSize, k), uniform(random, 4 * hidden * hidden, k), b,
        uniform(random, classes * hidden, k), new float[classes]);
    return model;
  }

  /**
   * A {@link Kind#PLAIN} model with the weights of {@code trained}, an uncompressed LSTM (every
   * input kept, unit gate scales, as {@link Pruner} writes a plain model): resumes from a saved
   * baseline.
   */
  public static VibLstm plain(NDManager parent, CompressedLstm trained) {
    requireExpanded(trained);
    if (trained.inputSize() != trained.featureDim()) {
      throw new IllegalArgumentException("a baseline reads every input; this model keeps " + trained.inputSize()
          + " of " + trained.featureDim());
    }
    for (float s : trained.gateScales()) {
      if (s != 1f) {
        throw new IllegalArgumentException("a baseline has unit gate scales; this model is compressed");
      }
    }
    VibLstm model = new VibLstm(parent, Kind.PLAIN, trained.featureDim(), identity(trained.featureDim()),
        trained.hiddenSize(), trained.classes(), trained.readout());
    model.setWeights(trained.w(), trained.u(), trained.b(), trained.fcW(), trained.fcB());
    return model;
  }

  /**
   * This model's weights with fresh VIB masks on the input and the gates: the start of the VIB
   * phase. Requires a {@link Kind#PLAIN} model of full input.
   */
  public VibLstm withVibMasks(double threshold, long seed) {
    if (kind != Kind.PLAIN || inputSize != featureDim) {
      throw new IllegalStateException("VIB masks go on a plain model of full input, this one is " + kind);
    }
    VibLstm model = new VibLstm(parentManager(), Kind.VIB, featureDim, inputIndices, hidden, classes, readout);
    model.copyWeightsFrom(this);
    model.inputMask = VibMask.initialize(model.manager, inputSize, seed);
    model.gateMask = VibMask.initialize(model.manager, 4 * hidden, seed + 1);
    model.threshold = threshold;
    return model;
  }

  /**
   * A {@link Kind#FROZEN} model with the weights and gate scales of a compressed model, reading
   * the compressed model's kept inputs: the start of the fine-tuning phase.
   */
  public static VibLstm frozen(NDManager parent, CompressedLstm compressed) {
    requireExpanded(compressed);
    int h = compressed.hiddenSize();
    VibLstm model = new VibLstm(parent, Kind.FROZEN, compressed.featureDim(), compressed.keptInputs(), h,
        compressed.classes(), compressed.readout());
    model.setWeights(compressed.w(), compressed.u(), compressed.b(), compressed.fcW(), compressed.fcB());
    float[] gate = new float[4 * h];
    System.arraycopy(compressed.gateScales(), 0, gate, 0, 3 * h);
    java.util.Arrays.fill(gate, 3 * h, 4 * h, 1f);
    model.frozenGateScale = gate;
    return model;
  }

  /** Training takes the input u_t as data, so a model must not form input deltas itself. */
  private static void requireExpanded(CompressedLstm model) {
    if (model.inputDeltas()) {
      throw new IllegalArgumentException("the model forms input deltas itself; train InputDeltas.unfold(model) "
          + "on InputDeltas.expand(data) instead");
    }
  }

  /** The manager this model's own manager was created under. */
  public NDManager parentManager() {
    return manager.getParentManager();
  }

  public Kind kind() {
    return kind;
  }

  /** Dimension of the feature vectors the data carries. */
  public int featureDim() {
    return featureDim;
  }

  /** Indices of the features this model reads, ascending. */
  public int[] inputIndices() {
    return inputIndices.clone();
  }

  /** D: number of inputs the LSTM reads. */
  public int inputSize() {
    return inputSize;
  }

  /** H: hidden size. */
  public int hiddenSize() {
    return hidden;
  }

  public int classes() {
    return classes;
  }

  /** What the classifier reads: h_T, or the mean of h_t over the clip. */
  public Readout readout() {
    return readout;
  }

  /** Pruning threshold on log alpha (VIB models). */
  public double threshold() {
    return threshold;
  }

  /** The input mask, or null unless {@link Kind#VIB}. */
  public VibMask inputMask() {
    return inputMask;
  }

  /** The gate mask (4H units: i, f, g, o), or null unless {@link Kind#VIB}. */
  public VibMask gateMask() {
    return gateMask;
  }

  /** Weights by name: w [4H, D], u [4H, H], b [4H], fc_w [C, H], fc_b [C]. */
  public Map<String, NDArray> weights() {
    return java.util.Collections.unmodifiableMap(weights);
  }

  /** Mask parameters by name (empty unless {@link Kind#VIB}). */
  public Map<String, NDArray> maskParameters() {
    Map<String, NDArray> params = new LinkedHashMap<>();
    if (kind == Kind.VIB) {
      params.put("mask_input_mu", inputMask.mu());
      params.put("mask_input_log_sigma2", inputMask.logSigma2());
      params.put("mask_gates_mu", gateMask.mu());
      params.put("mask_gates_log_sigma2", gateMask.logSigma2());
    }
    return params;
  }

  /** The input mask used at inference, [D]: ones (frozen models have it folded into w) or mu on kept units. */
  public float[] inferenceInputMask() {
    return switch (kind) {
      case PLAIN, FROZEN -> ones(inputSize);
      case VIB -> inputMask.inferenceValues(threshold);
    };
  }

  /** The gate mask used at inference, [4H] in gate order i, f, g, o. */
  public float[] inferenceGateMask() {
    return switch (kind) {
      case PLAIN -> ones(4 * hidden);
      case FROZEN -> frozenGateScale.clone();
      case VIB -> gateMask.inferenceValues(threshold);
    };
  }

  /**
   * Logits for a batch, shape [B, C]. {@code x} is [B, T, D] over this model's inputs. In training
   * mode VIB masks are sampled per example; otherwise the inference masks apply. Intermediate
   * arrays are created in {@code scope}.
   */
  public NDArray forward(NDManager scope, NDArray x, boolean training) {
    long batch = x.getShape().get(0);
    NDArray v = x;
    NDArray gateZ = null;
    if (kind == Kind.VIB && training) {
      v = x.mul(inputMask.sample(scope, (int) batch).expandDims(1));
      gateZ = gateMask.sample(scope, (int) batch);
    } else if (kind != Kind.PLAIN) {
      v = x.mul(scope.create(inferenceInputMask()));
      gateZ = scope.create(inferenceGateMask()).reshape(1, 4L * hidden);
    }
    NDArray w = weights.get("w");
    NDArray u = weights.get("u");
    NDArray projected = v.matMul(w.transpose()).add(weights.get("b")).transpose(1, 0, 2);
    NDArray uT = u.transpose();
    NDList z = gateZ == null ? null : gateZ.split(4, 1);
    NDArray h = scope.zeros(new Shape(batch, hidden));
    NDArray c = scope.zeros(new Shape(batch, hidden));
    long steps = x.getShape().get(1);
    NDArray sum = null;
    for (int t = 0; t < steps; t++) {
      NDList a = projected.get(t).add(h.matMul(uT)).split(4, 1);
      NDArray i = a.get(0).getNDArrayInternal().sigmoid();
      NDArray f = a.get(1).getNDArrayInternal().sigmoid();
      NDArray g = a.get(2).tanh();
      NDArray o = a.get(3).getNDArrayInternal().sigmoid();
      if (z != null) {
        i = i.mul(z.get(0));
        f = f.mul(z.get(1));
        g = g.mul(z.get(2));
        o = o.mul(z.get(3));
      }
      c = f.mul(c).add(i.mul(g));
      h = o.mul(c.tanh());
      if (readout == Readout.MEAN) {
        sum = sum == null ? h : sum.add(h);
      }
    }
    NDArray r = readout == Readout.MEAN ? sum.div(steps) : h;
    return r.matMul(weights.get("fc_w").transpose()).add(weights.get("fc_b"));
  }

  /** Sum of the gate KL terms (scalar), or null unless {@link Kind#VIB}. */
  public NDArray gateKl() {
    return kind == Kind.VIB ? gateMask.kl() : null;
  }

  /** The input KL term (scalar), or null unless {@link Kind#VIB}. */
  public NDArray inputKl() {
    return kind == Kind.VIB ? inputMask.kl() : null;
  }

  /** Number of kept input units at inference. */
  public int keptInputs() {
    int n = 0;
    for (float z : inferenceInputMask()) {
      n += z != 0f ? 1 : 0;
    }
    return n;
  }

  /** Number of kept hidden units at inference (a unit goes when its i, g or o unit is pruned). */
  public int keptHidden() {
    float[] z = inferenceGateMask();
    int n = 0;
    for (int j = 0; j < hidden; j++) {
      n += z[j] != 0f && z[2 * hidden + j] != 0f && z[3 * hidden + j] != 0f ? 1 : 0;
    }
    return n;
  }

  /** Every trainable array of this model: weights, plus mask parameters for VIB models. */
  public List<NDArray> parameters() {
    List<NDArray> all = new ArrayList<>(weights.values());
    all.addAll(maskParameters().values());
    return all;
  }

  @Override
  public void close() {
    manager.close();
  }

  private void setWeights(float[] w, float[] u, float[] b, float[] fcW, float[] fcB) {
    put("w", manager.create(w, new Shape(4L * hidden, inputSize)));
    put("u", manager.create(u, new Shape(4L * hidden, hidden)));
    put("b", manager.create(b));
    put("fc_w", manager.create(fcW, new Shape(classes, hidden)));
    put("fc_b", manager.create(fcB));
  }

  private void copyWeightsFrom(VibLstm other) {
    for (Map.Entry<String, NDArray> e : other.weights.entrySet()) {
      put(e.getKey(), manager.create(e.getValue().toFloatArray(), e.getValue().getShape()));
    }
  }

  private void put(String name, NDArray array) {
    array.setRequiresGradient(true);
    weights.put(name, array);
  }

  private static int[] identity(int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    return idx;
  }

  private static float[] ones(int n) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, 1f);
    return a;
  }

  private static float[] uniform(Random random, int n, float k) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (random.nextFloat() * 2f - 1f) * k;
    }
    return a;
  }
}
