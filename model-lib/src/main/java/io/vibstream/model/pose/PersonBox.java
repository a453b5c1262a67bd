package io.vibstream.model.pose;

/** An axis-aligned box around a person, in frame pixels (x, y: top-left corner). */
public record PersonBox(float x, float y, float width, float height) {
  public PersonBox {
    if (!(width >= 0) || !(height >= 0) || !Float.isFinite(x) || !Float.isFinite(y) || !Float.isFinite(width)
        || !Float.isFinite(height)) {
      throw new IllegalArgumentException("invalid box: " + x + "," + y + " " + width + "x" + height);
    }
  }

  public float centerX() {
    return x + width / 2;
  }

  public float centerY() {
    return y + height / 2;
  }

  public float area() {
    return width * height;
  }

  /** Intersection over union with {@code other}, in [0, 1]. */
  public float iou(PersonBox other) {
    float ix = Math.max(0, Math.min(x + width, other.x + other.width) - Math.max(x, other.x));
    float iy = Math.max(0, Math.min(y + height, other.y + other.height) - Math.max(y, other.y));
    float inter = ix * iy;
    float union = area() + other.area() - inter;
    return union <= 0 ? 0 : inter / union;
  }
}
