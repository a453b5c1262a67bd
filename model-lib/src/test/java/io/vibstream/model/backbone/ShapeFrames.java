package io.vibstream.model.backbone;

import io.vibstream.model.backbone.BuiltinCnnTrainer.LabeledFrames;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generated labeled frames: class 0 a filled circle, 1 a filled square, 2 a horizontal bar, in a
 * random color at a random place on a random dark background. Color carries no class
 * information, only shape does.
 */
final class ShapeFrames {
  static final List<String> LABELS = List.of("circle", "square", "bar");

  private ShapeFrames() {}

  static LabeledFrames generate(int count, int size, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<BufferedImage> frames = new ArrayList<>();
    int[] labels = new int[count];
    for (int n = 0; n < count; n++) {
      int label = n % LABELS.size();
      labels[n] = label;
      frames.add(draw(label, size, rnd));
    }
    return new LabeledFrames(frames, labels);
  }

  static BufferedImage draw(int label, int size, SplittableRandom rnd) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(new Color(rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(60)));
    g.fillRect(0, 0, size, size);
    g.setColor(Color.getHSBColor((float) rnd.nextDouble(), 0.5f + (float) rnd.nextDouble(0.5), 1f));
    int s = size / 3 + rnd.nextInt(size / 6 + 1);
    int x = rnd.nextInt(size - s + 1);
    int y = rnd.nextInt(size - s + 1);
    switch (label) {
      case 0 -> g.fillOval(x, y, s, s);
      case 1 -> g.fillRect(x, y, s, s);
      default -> g.fillRect(Math.max(0, x - s / 2), y + s / 3, Math.min(size, 2 * s), Math.max(2, s / 4));
    }
    g.dispose();
    return image;
  }
}
