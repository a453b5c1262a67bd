package io.vibstream.flink.functions;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic test backbone: per frame the mean red, green and blue in [0, 1] and the mean
 * brightness of the top half. Counts extract calls, opens and closes (JVM-wide, for tests).
 */
public final class MeanColorExtractor extends ColorExtractor {
  public static final String ID = "mean-color-v1";
  public static final int DIMENSION = 4;
  public static final AtomicInteger EXTRACT_CALLS = new AtomicInteger();
  public static final AtomicInteger OPEN = new AtomicInteger();

  public MeanColorExtractor() {
    super(ID);
    OPEN.incrementAndGet();
  }

  /** A factory of this extractor. */
  public static BackboneFactory factory() {
    return MeanColorExtractor::new;
  }

  @Override
  public float[][] extract(List<BufferedImage> frames) {
    EXTRACT_CALLS.incrementAndGet();
    return super.extract(frames);
  }

  @Override
  protected float[] features(BufferedImage img) {
    return means(img);
  }

  @Override
  public void close() {
    OPEN.decrementAndGet();
  }
}
