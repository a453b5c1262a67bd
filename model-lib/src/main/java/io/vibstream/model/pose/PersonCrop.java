package io.vibstream.model.pose;

/**
 * A square, axis-aligned region of a frame that the landmark model sees scaled to its input size:
 * center and side in frame pixels. Fills the model's float input straight from the frame's BGR
 * bytes (bilinear, RGB in [0, 1], black outside the frame) and maps model pixels back to frame
 * pixels.
 */
record PersonCrop(float centerX, float centerY, float side) {
  /** Side of the crop over the person's box height, as MediaPipe's 1.25 margin around the body. */
  static final float MARGIN = 1.25f;

  /** The crop around {@code box}: its center, side 1.25 x the larger of its height and width. */
  static PersonCrop around(PersonBox box) {
    return new PersonCrop(box.centerX(), box.centerY(), MARGIN * Math.max(box.height(), box.width()));
  }

  /** Frame x of model input x {@code u} (0..{@code size}). */
  float frameX(float u, int size) {
    return centerX - side / 2 + u / size * side;
  }

  /** Frame y of model input y {@code v} (0..{@code size}). */
  float frameY(float v, int size) {
    return centerY - side / 2 + v / size * side;
  }

  /**
   * Writes the crop as {@code size x size} RGB floats in [0, 1] (row-major, HWC) into {@code out}
   * from {@code offset}, sampling {@code frame}'s BGR bytes bilinearly.
   */
  void fill(PoseFrame frame, int size, float[] out, int offset) {
    byte[] bgr = frame.bgr();
    int w = frame.width();
    int h = frame.height();
    float step = side / size;
    float x0 = centerX - side / 2 + step / 2 - 0.5f;
    float y0 = centerY - side / 2 + step / 2 - 0.5f;
    final float k = 1f / 255f;
    int o = offset;
    for (int v = 0; v < size; v++) {
      float fy = y0 + v * step;
      int iy = (int) Math.floor(fy);
      float ay = fy - iy;
      int ya = Math.max(0, Math.min(h - 1, iy));
      int yb = Math.max(0, Math.min(h - 1, iy + 1));
      boolean rowOut = fy < -0.5f || fy > h - 0.5f;
      for (int u = 0; u < size; u++, o += 3) {
        float fx = x0 + u * step;
        if (rowOut || fx < -0.5f || fx > w - 0.5f) {
          out[o] = 0;
          out[o + 1] = 0;
          out[o + 2] = 0;
          continue;
        }
        int ix = (int) Math.floor(fx);
        float ax = fx - ix;
        int xa = Math.max(0, Math.min(w - 1, ix));
        int xb = Math.max(0, Math.min(w - 1, ix + 1));
        int p00 = (ya * w + xa) * 3;
        int p01 = (ya * w + xb) * 3;
        int p10 = (yb * w + xa) * 3;
        int p11 = (yb * w + xb) * 3;
        float w00 = (1 - ax) * (1 - ay);
        float w01 = ax * (1 - ay);
        float w10 = (1 - ax) * ay;
        float w11 = ax * ay;
        for (int c = 0; c < 3; c++) {
          float val = w00 * (bgr[p00 + c] & 0xff) + w01 * (bgr[p01 + c] & 0xff) + w10 * (bgr[p10 + c] & 0xff)
              + w11 * (bgr[p11 + c] & 0xff);
          out[o + 2 - c] = val * k; // BGR -> RGB
        }
      }
    }
  }
}
