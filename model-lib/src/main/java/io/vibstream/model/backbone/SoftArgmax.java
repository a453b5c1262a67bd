package io.vibstream.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * Spatial soft-argmax (integral regression): heatmaps {@code [N, K, H, W]} to
 * {@code [N, 3K]} = {@code x0, y0, ..., x(K-1), y(K-1), c0, ..., c(K-1)}. Each heatmap is turned
 * into a probability map {@code p = softmax(h)} over its {@code H*W} cells;
 * {@code x = sum p * (col + 0.5) / W}, {@code y = sum p * (row + 0.5) / H} (cell centers in
 * normalized image units) and {@code c = max p}. Differentiable, so keypoints train with a plain
 * coordinate loss while the network stays convolutional.
 */
final class SoftArgmax {
  private SoftArgmax() {}

  static NDArray apply(NDArray heatmaps) {
    Shape shape = heatmaps.getShape();
    if (shape.dimension() != 4) {
      throw new IllegalArgumentException("heatmaps must be [N, K, H, W], got " + shape);
    }
    long n = shape.get(0);
    long k = shape.get(1);
    int h = (int) shape.get(2);
    int w = (int) shape.get(3);
    float[] gx = new float[h * w];
    float[] gy = new float[h * w];
    for (int r = 0; r < h; r++) {
      for (int c = 0; c < w; c++) {
        gx[r * w + c] = (c + 0.5f) / w;
        gy[r * w + c] = (r + 0.5f) / h;
      }
    }
    NDArray p = heatmaps.reshape(n, k, (long) h * w).softmax(2);
    NDArray x = p.mul(heatmaps.getManager().create(gx)).sum(new int[] {2});
    NDArray y = p.mul(heatmaps.getManager().create(gy)).sum(new int[] {2});
    NDArray xy = NDArrays.stack(new NDList(x, y), 2).reshape(n, 2 * k);
    return NDArrays.concat(new NDList(xy, p.max(new int[] {2})), 1);
  }
}
