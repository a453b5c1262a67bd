package io.vibstream.flink.functions;

import io.vibstream.model.backbone.PerFrameExtractor;
import java.awt.image.BufferedImage;

/** What the deterministic color test backbones share: four features per frame from {@link #means}. */
public abstract class ColorExtractor extends PerFrameExtractor {
  ColorExtractor(String id) {
    super(id, 4);
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
