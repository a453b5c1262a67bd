package io.vibstream.flink.functions;

import java.awt.image.BufferedImage;

/**
 * A deterministic test backbone whose features an LSTM can train on as they are: the
 * {@link MeanColorExtractor} means, centered on mid-gray and scaled by 4 (about -2..2), as a
 * normalizing backbone head would give them. On the raw [0, 1] means, LSTMs did not learn color
 * rhythms a quarter of the range high (they stayed at chance).
 */
public final class CenteredColorExtractor extends ColorExtractor {
  public static final String ID = "centered-color-v1";
  public static final int DIMENSION = 4;

  public CenteredColorExtractor() {
    super(ID);
  }

  /** A factory of this extractor. */
  public static BackboneFactory factory() {
    return CenteredColorExtractor::new;
  }

  @Override
  protected float[] features(BufferedImage img) {
    float[] f = means(img);
    for (int j = 0; j < DIMENSION; j++) {
      f[j] = 4 * (f[j] - 0.5f);
    }
    return f;
  }
}
