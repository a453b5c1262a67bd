package io.vibstream.flink.functions;

import io.vibstream.model.backbone.FeatureExtractor;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * What the deterministic colour test backbones share: 16x16 input, four features per frame
 * computed from {@link #means} by {@link #features}.
 */
public abstract class ColorExtractor implements FeatureExtractor {
  private final String id;

  ColorExtractor(String id) {
    this.id = id;
  }

  /** The features of one frame. */
  abstract float[] features(BufferedImage img);

  @Override
  public String id() {
    return id;
  }

  @Override
  public int dimension() {
    return 4;
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
}
