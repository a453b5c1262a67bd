package io.vibstream.flink.functions;

import io.vibstream.model.backbone.FeatureExtractor;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A deterministic test backbone whose features an LSTM can train on as they are: the
 * {@link MeanColorExtractor} means, centred on mid-grey and scaled by 4 (about -2..2), as a
 * normalising backbone head would give them. On the raw [0, 1] means, LSTMs did not learn colour
 * rhythms a quarter of the range high (they stayed at chance).
 */
public final class CenteredColorExtractor implements FeatureExtractor {
  public static final String ID = "centered-color-v1";
  public static final int DIMENSION = 4;

  /** A factory of this extractor. */
  public static BackboneFactory factory() {
    return CenteredColorExtractor::new;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int dimension() {
    return DIMENSION;
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
      out[i] = MeanColorExtractor.means(frames.get(i));
      for (int j = 0; j < DIMENSION; j++) {
        out[i][j] = 4 * (out[i][j] - 0.5f);
      }
    }
    return out;
  }

  @Override
  public void close() {}
}
