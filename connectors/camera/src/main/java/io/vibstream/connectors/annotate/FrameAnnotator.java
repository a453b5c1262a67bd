package io.vibstream.connectors.annotate;

import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.model.pose.PoseJoints;
import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Composite;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws persons on a frame in place: a box, the skeleton ({@link PoseJoints#BONES}; bones with a
 * joint below {@link PersonFeatures#VISIBLE} visibility faint, such joints not dotted), and a tag
 * above the box with the track id, the label and its confidence (moved up when it would cover an
 * earlier person's tag). Each track has its own color; an unsure label gets a dashed box, a gray
 * tag and a trailing "?".
 */
public final class FrameAnnotator {
  /** Opacity of bones with a hidden joint. */
  static final float FAINT = 0.3f;
  private static final Color UNSURE_TAG = new Color(90, 90, 90);

  private FrameAnnotator() {}

  /** The color of track {@code trackId}: hues spread by the golden ratio, saturated and bright. */
  public static Color trackColor(long trackId) {
    double hue = (Math.floorMod(trackId, 1L << 20) * 0.6180339887498949) % 1.0;
    return Color.getHSBColor((float) hue, 0.85f, 1.0f);
  }

  /** Line width for a frame of this size (2 px up to 480 px on the short side, more above). */
  static float lineWidth(int width, int height) {
    return Math.max(2f, Math.min(width, height) / 240f);
  }

  /** Draws {@code persons} onto {@code image}. */
  public static void draw(BufferedImage image, List<PersonAnnotation> persons) {
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      float w = lineWidth(image.getWidth(), image.getHeight());
      Font font = new Font(Font.SANS_SERIF, Font.BOLD, Math.round(Math.max(11f, 6 * w)));
      for (PersonAnnotation p : persons) {
        Color c = trackColor(p.trackId());
        drawSkeleton(g, p.pose(), c, w);
        drawBox(g, p.pose().box(), c, w, p.label() != null && p.unsure());
      }
      // Tags last, so that no skeleton covers a tag; a tag that would cover another moves up.
      g.setFont(font);
      List<Rectangle> placed = new ArrayList<>();
      for (PersonAnnotation p : persons) {
        placed.add(drawTag(g, p, image.getWidth(), w, placed));
      }
    } finally {
      g.dispose();
    }
  }

  /** The tag text: "#7 walk 83%", "#7 walk? 41%" when unsure, "#7" without a label. */
  public static String tag(PersonAnnotation p) {
    if (p.label() == null) {
      return "#" + p.trackId();
    }
    return String.format(Locale.ROOT, "#%d %s%s %d%%", p.trackId(), p.label(), p.unsure() ? "?" : "",
        Math.round(100 * Math.max(0f, Math.min(1f, p.confidence()))));
  }

  /** Draws {@code text} at the top-left corner on a dark plate (frame numbers in montages). */
  public static void caption(BufferedImage image, String text) {
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(new Font(Font.MONOSPACED, Font.BOLD, Math.max(11, image.getHeight() / 14)));
      FontMetrics fm = g.getFontMetrics();
      int pad = 3;
      g.setColor(new Color(0, 0, 0, 180));
      g.fillRect(0, 0, fm.stringWidth(text) + 2 * pad, fm.getHeight() + 2 * pad);
      g.setColor(Color.WHITE);
      g.drawString(text, pad, pad + fm.getAscent());
    } finally {
      g.dispose();
    }
  }

  private static void drawSkeleton(Graphics2D g, PersonPose pose, Color c, float w) {
    float[] x = pose.x();
    float[] y = pose.y();
    float[] v = pose.visibility();
    g.setStroke(new BasicStroke(w, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    Composite solid = g.getComposite();
    Composite faint = AlphaComposite.getInstance(AlphaComposite.SRC_OVER, FAINT);
    g.setColor(c);
    for (int[] bone : PoseJoints.BONES) {
      int a = bone[0];
      int b = bone[1];
      if (!finite(x[a], y[a]) || !finite(x[b], y[b])) {
        continue;
      }
      boolean seen = v[a] >= PersonFeatures.VISIBLE && v[b] >= PersonFeatures.VISIBLE;
      g.setComposite(seen ? solid : faint);
      g.draw(new Line2D.Float(x[a], y[a], x[b], y[b]));
    }
    g.setComposite(solid);
    float r = 1.5f * w;
    for (int j = 0; j < PoseJoints.COUNT; j++) {
      if (v[j] >= PersonFeatures.VISIBLE && finite(x[j], y[j])) {
        g.setColor(c);
        g.fill(new Ellipse2D.Float(x[j] - r, y[j] - r, 2 * r, 2 * r));
      }
    }
  }

  private static void drawBox(Graphics2D g, PersonBox box, Color c, float w, boolean dashed) {
    g.setColor(c);
    g.setStroke(dashed
        ? new BasicStroke(w, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4 * w, 3 * w}, 0f)
        : new BasicStroke(w));
    g.draw(new Rectangle2D.Float(box.x(), box.y(), box.width(), box.height()));
  }

  private static Rectangle drawTag(Graphics2D g, PersonAnnotation p, int imageWidth, float w, List<Rectangle> placed) {
    String text = tag(p);
    FontMetrics fm = g.getFontMetrics();
    int pad = Math.round(w);
    int tw = fm.stringWidth(text) + 2 * pad;
    int th = fm.getAscent() + fm.getDescent() + 2 * pad;
    PersonBox box = p.pose().box();
    int tx = Math.max(0, Math.min(Math.round(box.x()), imageWidth - tw));
    int ty = Math.round(box.y()) - th;
    Rectangle r = new Rectangle(tx, ty, tw, th);
    while (r.y >= 0 && overlaps(r, placed)) {
      r.y -= th;
    }
    if (r.y < 0) {
      r.y = Math.max(0, Math.round(box.y())); // no room above: inside the box's top edge
    }
    boolean unsure = p.label() != null && p.unsure();
    Color plate = unsure ? UNSURE_TAG : trackColor(p.trackId());
    g.setColor(plate);
    g.fillRect(r.x, r.y, r.width, r.height);
    g.setColor(unsure ? Color.WHITE : textOn(plate));
    g.drawString(text, r.x + pad, r.y + pad + fm.getAscent());
    return r;
  }

  private static boolean overlaps(Rectangle r, List<Rectangle> placed) {
    for (Rectangle o : placed) {
      if (o.intersects(r)) {
        return true;
      }
    }
    return false;
  }

  /** Black or white, whichever reads better on {@code plate}. */
  static Color textOn(Color plate) {
    double luma = 0.299 * plate.getRed() + 0.587 * plate.getGreen() + 0.114 * plate.getBlue();
    return luma > 140 ? Color.BLACK : Color.WHITE;
  }

  private static boolean finite(float x, float y) {
    return Float.isFinite(x) && Float.isFinite(y);
  }
}
