package io.vibstream.local.bench;

import io.vibstream.flink.functions.BackboneFactory;
import io.vibstream.model.backbone.FeatureExtractor;
import io.vibstream.model.backbone.PerFrameExtractor;
import java.awt.image.BufferedImage;

/**
 * A backbone identity (id and dimension) whose extractor gives one fixed vector per frame: the
 * backbone of the benches whose cameras send features (their F32_FEATURES frames never reach it)
 * or whose model's predictions do not matter.
 */
public final class PrecomputedFeatures implements BackboneFactory {
  private static final long serialVersionUID = 1L;
  private final String id;
  private final int dimension;

  public PrecomputedFeatures(String id, int dimension) {
    this.id = id;
    this.dimension = dimension;
  }

  @Override
  public FeatureExtractor open() {
    float[] vector = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      vector[i] = (i % 7) / 7f;
    }
    return new PerFrameExtractor(id, dimension) {
      @Override
      protected float[] features(BufferedImage frame) {
        return vector.clone();
      }
    };
  }
}
