package io.vibstream.model.backbone;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A backbone without a model: each frame's features come from that frame alone, read at 16x16.
 * The deterministic test backbones and the benches' fixed-vector backbone extend it.
 */
public abstract class PerFrameExtractor implements FeatureExtractor {
  private final String id;
  private final int dimension;

  protected PerFrameExtractor(String id, int dimension) {
    this.id = id;
    this.dimension = dimension;
  }

  /** The {@link #dimension()} features of one frame. */
  protected abstract float[] features(BufferedImage frame);

  @Override
  public String id() {
    return id;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public int inputWidth() {
    return 16;
  }

  @Override
  public int inputHeight() {
    return 16;
  }

  @Override
  public float[][] extract(List<BufferedImage> frames) {
    float[][] out = new float[frames.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = features(frames.get(i));
    }
    return out;
  }

  @Override
  public void close() {}
}
