package io.vibstream.model.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.Readout;
import java.nio.FloatBuffer;

/**
 * Clip inference with DJL NDArray operations on the PyTorch engine, on the GPU when DJL sees
 * one, else on the CPU. Weights are uploaded once into a long-lived manager; each call runs in
 * its own sub-manager that is closed before returning, and each step's temporaries are closed at
 * the end of the step.
 *
 * <p>Per call: one matmul projects the kept inputs (of u_t, see {@link CompressedLstm}) of all
 * steps and clips, then per step one matmul with U^T plus the gate math. All four gates take a
 * single sigmoid: the g-gate rows of W, U and b are doubled at load time and
 * tanh(a) = 2 sigmoid(2a) - 1, so the gate activations are {@code sigmoid(a) * m + k} with m = (s_i, s_f, 2 s_g, 1) and k = (0, 0, -s_g, 0).
 *
 * <p>The JVM must run DJL offline ({@code -Dai.djl.offline=true}, env {@code
 * OPT_OUT_TRACKING=true}). Not thread-safe: one thread at a time per instance.
 */
public final class TorchLstmRuntime implements LstmRuntime {
  private final NDManager manager;
  private final InputGather input;
  private final int hidden;
  private final int classes;
  private final boolean meanReadout;
  private final NDArray wT;
  private final NDArray uT;
  private final NDArray bias;
  private final NDArray gateMul;
  private final NDArray gateAdd;
  private final NDArray fcWT;
  private final NDArray fcB;
  private float[] x = new float[0];

  public TorchLstmRuntime(CompressedLstm model) {
    Engine engine = Engine.getEngine("PyTorch");
    Device device = engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    input = new InputGather(model);
    hidden = model.hiddenSize();
    classes = model.classes();
    meanReadout = model.readout() == Readout.MEAN;
    int d = input.size();
    int g = 4 * hidden;
    float[] w = model.w();
    float[] u = model.u();
    float[] b = model.b();
    float[] s = model.gateScales();
    float[] mul = new float[g];
    float[] add = new float[g];
    for (int j = 0; j < hidden; j++) {
      mul[j] = s[j];
      mul[hidden + j] = s[hidden + j];
      mul[2 * hidden + j] = 2f * s[2 * hidden + j];
      add[2 * hidden + j] = -s[2 * hidden + j];
      mul[3 * hidden + j] = 1f;
    }
    doubleCandidateRows(w, hidden, d);
    doubleCandidateRows(u, hidden, hidden);
    doubleCandidateRows(b, hidden, 1);
    manager = NDManager.newBaseManager(device, "PyTorch");
    try {
      wT = manager.create(transpose(w, g, d), new Shape(d, g));
      uT = manager.create(transpose(u, g, hidden), new Shape(hidden, g));
      bias = manager.create(b);
      gateMul = manager.create(mul);
      gateAdd = manager.create(add);
      fcWT = manager.create(transpose(model.fcW(), classes, hidden), new Shape(hidden, classes));
      fcB = manager.create(model.fcB());
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** The device the weights live on. */
  public Device device() {
    return manager.getDevice();
  }

  @Override
  public float[][] logits(float[][][] clips) {
    int steps = PackedLstm.steps(clips);
    int batch = clips.length;
    int d = input.size();
    int rows = steps * batch;
    if (x.length < rows * d) {
      x = new float[rows * d];
    }
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < steps; t++) {
        input.gather(clips[b], t, x, (t * batch + b) * d);
      }
    }
    try (NDManager call = manager.newSubManager()) {
      NDArray xs = call.create(FloatBuffer.wrap(x, 0, rows * d), new Shape(rows, d));
      NDList xw = xs.matMul(wT).addi(bias).split(steps);
      NDArray h = call.zeros(new Shape(batch, hidden));
      NDArray c = call.zeros(new Shape(batch, hidden));
      NDArray sum = meanReadout ? call.zeros(new Shape(batch, hidden)) : null;
      for (int t = 0; t < steps; t++) {
        NDArray hNext;
        NDArray cNext;
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          NDArray a = h.matMul(uT).addi(xw.get(t));
          NDList gate = Activation.sigmoid(a).muli(gateMul).addi(gateAdd).split(4, 1);
          cNext = gate.get(1).mul(c).addi(gate.get(0).mul(gate.get(2)));
          hNext = gate.get(3).mul(cNext.tanh());
          NDScope.unregister(hNext, cNext);
        }
        h.close();
        c.close();
        h = hNext;
        c = cNext;
        if (meanReadout) {
          sum.addi(h);
        }
      }
      NDArray r = meanReadout ? sum.divi(steps) : h;
      float[] flat = r.matMul(fcWT).addi(fcB).toFloatArray();
      float[][] logits = new float[batch][classes];
      for (int b = 0; b < batch; b++) {
        System.arraycopy(flat, b * classes, logits[b], 0, classes);
      }
      return logits;
    }
  }

  @Override
  public String name() {
    return "djl";
  }

  @Override
  public void close() {
    manager.close();
  }

  /** [rows][cols] row-major to [cols][rows] row-major. */
  private static float[] transpose(float[] m, int rows, int cols) {
    float[] t = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < cols; k++) {
        t[k * rows + r] = m[r * cols + k];
      }
    }
    return t;
  }

  /** Doubles rows [2H', 3H') (the g gate) of a row-major [4H'][cols] matrix in place. */
  private static void doubleCandidateRows(float[] m, int hidden, int cols) {
    for (int i = 2 * hidden * cols; i < 3 * hidden * cols; i++) {
      m[i] *= 2f;
    }
  }
}
