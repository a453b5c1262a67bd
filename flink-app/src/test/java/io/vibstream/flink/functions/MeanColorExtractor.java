package io.vibstream.flink.functions;

import io.vibstream.model.backbone.FeatureExtractor;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic test backbone: per frame the mean red, green and blue in [0, 1] and the mean
 * brightness of the top half. Counts extract calls, opens and closes (JVM-wide, for tests).
 */
public final class MeanColorExtractor implements FeatureExtractor {
  public static final String ID = "mean-color-v1";
  public static final int DIMENSION = 4;
  public static final AtomicInteger EXTRACT_CALLS = new AtomicInteger();
  public static final AtomicInteger OPEN = new AtomicInteger();

  public MeanColorExtractor() {
    OPEN.incrementAndGet();
  }

  /** A factory of this extractor. */
  public static BackboneFactory factory() {
    return MeanColorExtractor::new;
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
    EXTRACT_CALLS.incrementAndGet();
    float[][] out = new float[frames.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = means(frames.get(i));
    }
    return out;
  }

  /** The features of one image: mean red, green, blue and brightness of the top half, in [0, 1]. */
  static float[] means(BufferedImage img) {
    double r = 0;
    double g = 0;
    double b = 0;
    double top = 0;
    int n = img.getWidth() * img.getHeight();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        r += (rgb >> 16) & 0xff;
        g += (rgb >> 8) & 0xff;
        b += rgb & 0xff;
        if (y < img.getHeight() / 2) {
          top += (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff)) / 3.0;
        }
      }
    }
    return new float[] {(float) (r / n / 255), (float) (g / n / 255), (float) (b / n / 255),
        (float) (top / Math.max(1, n / 2) / 255)};
  }

  @Override
  public void close() {
    OPEN.decrementAndGet();
  }
}
