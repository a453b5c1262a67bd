package io.vibstream.model.vib;

import io.vibstream.model.lstm.CompressedLstm;

/**
 * Turns a trained {@link VibLstm} into a dense, smaller {@link CompressedLstm} whose logits equal
 * the masked model's inference-mode logits.
 *
 * <p>Rules (design note, "Pruning"): input feature j goes when its input-mask unit is pruned;
 * hidden unit j goes when its i, g or o mask unit is pruned (c_j or h_j is then identically zero);
 * a pruned forget unit alone keeps the unit with forget scale 0. Removing input j drops column j of
 * W; removing hidden unit j drops row j of every gate block of W, U, b, column j of U and column j
 * of W_fc. The input mask means fold into W's columns, the output-gate means into U's and W_fc's
 * columns; the i, f, g means stay as gate scales. Where every input (or every hidden unit) is
 * pruned, one is kept with zero scales, which changes no output, so the result is never empty.
 */
public final class Pruner {
  private Pruner() {}

  /** Slices {@code model} by its inference masks. Plain models come out whole, with unit scales. */
  public static CompressedLstm prune(VibLstm model) {
    int d = model.inputSize();
    int h = model.hiddenSize();
    int classes = model.classes();
    float[] zv = model.inferenceInputMask();
    float[] zg = model.inferenceGateMask();

    int[] keptIn = keptInputs(zv);
    int[] keptHid = keptHidden(zg, h);
    int dk = keptIn.length;
    int hk = keptHid.length;

    float[] w = model.weights().get("w").toFloatArray();
    float[] u = model.weights().get("u").toFloatArray();
    float[] b = model.weights().get("b").toFloatArray();
    float[] fcW = model.weights().get("fc_w").toFloatArray();
    float[] fcB = model.weights().get("fc_b").toFloatArray();

    float[] w2 = new float[4 * hk * dk];
    float[] u2 = new float[4 * hk * hk];
    float[] b2 = new float[4 * hk];
    float[] scales = new float[3 * hk];
    float[] fcW2 = new float[classes * hk];
    for (int gate = 0; gate < 4; gate++) {
      for (int r = 0; r < hk; r++) {
        int srcRow = gate * h + keptHid[r];
        int dstRow = gate * hk + r;
        for (int c = 0; c < dk; c++) {
          w2[dstRow * dk + c] = w[srcRow * d + keptIn[c]] * zv[keptIn[c]];
        }
        for (int c = 0; c < hk; c++) {
          u2[dstRow * hk + c] = u[srcRow * h + keptHid[c]] * zg[3 * h + keptHid[c]];
        }
        b2[dstRow] = b[srcRow];
        if (gate < 3) {
          scales[gate * hk + r] = zg[srcRow];
        }
      }
    }
    for (int k = 0; k < classes; k++) {
      for (int r = 0; r < hk; r++) {
        fcW2[k * hk + r] = fcW[k * h + keptHid[r]] * zg[3 * h + keptHid[r]];
      }
    }
    int[] indices = model.inputIndices();
    int[] featureIdx = new int[dk];
    for (int c = 0; c < dk; c++) {
      featureIdx[c] = indices[keptIn[c]];
    }
    return CompressedLstm.builder()
        .featureDim(model.featureDim())
        .readout(model.readout())
        .keptInputs(featureIdx)
        .hiddenSize(hk)
        .classes(classes)
        .weights(w2, u2, b2)
        .gateScales(scales)
        .classifier(fcW2, fcB)
        .build();
  }

  private static int[] keptInputs(float[] zv) {
    int n = 0;
    for (float z : zv) {
      n += z != 0f ? 1 : 0;
    }
    if (n == 0) {
      return new int[] {argMaxAbs(zv, 0, zv.length)};
    }
    int[] kept = new int[n];
    for (int j = 0, k = 0; j < zv.length; j++) {
      if (zv[j] != 0f) {
        kept[k++] = j;
      }
    }
    return kept;
  }

  private static int[] keptHidden(float[] zg, int h) {
    boolean[] keep = new boolean[h];
    int n = 0;
    for (int j = 0; j < h; j++) {
      keep[j] = zg[j] != 0f && zg[2 * h + j] != 0f && zg[3 * h + j] != 0f;
      n += keep[j] ? 1 : 0;
    }
    if (n == 0) {
      return new int[] {argMaxAbs(zg, 3 * h, 4 * h) - 3 * h};
    }
    int[] kept = new int[n];
    for (int j = 0, k = 0; j < h; j++) {
      if (keep[j]) {
        kept[k++] = j;
      }
    }
    return kept;
  }

  private static int argMaxAbs(float[] a, int from, int to) {
    int best = from;
    for (int j = from + 1; j < to; j++) {
      if (Math.abs(a[j]) > Math.abs(a[best])) {
        best = j;
      }
    }
    return best;
  }
}
