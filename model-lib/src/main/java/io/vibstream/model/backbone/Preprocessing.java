package io.vibstream.model.backbone;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vibstream.model.io.BoundedFiles;
import io.vibstream.model.io.FileLimitException;
import io.vibstream.model.io.FormatException;
import io.vibstream.model.io.JsonFields;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How frames become a model's input tensor: bilinear resize to {@code width x height}, pixel
 * values scaled to [0, 1], per-channel {@code (x - mean[c]) / std[c]} with channels in
 * {@code channelOrder}, laid out as {@code NCHW} or {@code NHWC}. Read from the JSON file next to a
 * model ({@code model.pt} + {@code model.json}):
 *
 * <pre>
 *   {"inputWidth": 224, "inputHeight": 224, "mean": [0.485, 0.456, 0.406],
 *    "std": [0.229, 0.224, 0.225], "channelOrder": "RGB", "layout": "NCHW", "id": "resnet18"}
 * </pre>
 *
 * {@code channelOrder} (default RGB), {@code layout} (default NCHW) and {@code id} (a name for
 * the backbone id) are optional; the other fields are required.
 *
 * @param mean per-channel mean, in {@code channelOrder}
 * @param std per-channel standard deviation, in {@code channelOrder}, all positive
 */
public record Preprocessing(int width, int height, float[] mean, float[] std, ChannelOrder channelOrder,
    Layout layout) {
  /** The largest input width or height, in pixels: every frame is scaled to this size, so a file may not ask for more. */
  public static final int MAX_SIDE = 4096;
  /** The largest preprocessing JSON file read, in bytes. */
  public static final int MAX_FILE_BYTES = 1 << 20;

  /** Order of the color channels in the tensor. */
  public enum ChannelOrder { RGB, BGR }

  /** Tensor layout. */
  public enum Layout { NCHW, NHWC }

  public Preprocessing {
    if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
      throw new IllegalArgumentException("input size must be 1 to " + MAX_SIDE + " pixels a side, got " + width
          + "x" + height);
    }
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 values each");
    }
    for (int c = 0; c < 3; c++) {
      if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) {
        throw new IllegalArgumentException("mean must be finite and std positive, got mean " + List.of(mean[0],
            mean[1], mean[2]) + " std " + List.of(std[0], std[1], std[2]));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** RGB, NCHW, with the given size, mean and std. */
  public static Preprocessing rgb(int width, int height, float[] mean, float[] std) {
    return new Preprocessing(width, height, mean, std, ChannelOrder.RGB, Layout.NCHW);
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Preprocessing p && width == p.width && height == p.height && Arrays.equals(mean, p.mean)
        && Arrays.equals(std, p.std) && channelOrder == p.channelOrder && layout == p.layout;
  }

  @Override
  public int hashCode() {
    return Objects.hash(width, height, Arrays.hashCode(mean), Arrays.hashCode(std), channelOrder, layout);
  }

  @Override
  public String toString() {
    return width + "x" + height + " " + channelOrder + " " + layout + " mean " + Arrays.toString(mean) + " std "
        + Arrays.toString(std);
  }

  /** Values per frame: {@code 3 * width * height}. */
  public int frameSize() {
    return 3 * width * height;
  }

  /** The tensor shape for a batch of {@code n} frames. */
  public long[] shape(int n) {
    return layout == Layout.NCHW ? new long[] {n, 3, height, width} : new long[] {n, height, width, 3};
  }

  /** The frames as one normalized tensor of {@link #shape(int) shape(frames.size())}, row-major. */
  public float[] toTensor(List<BufferedImage> frames) {
    float[] out = new float[frames.size() * frameSize()];
    int[] rgb = new int[width * height];
    int plane = width * height;
    for (int n = 0; n < frames.size(); n++) {
      BufferedImage image = resize(frames.get(n), width, height);
      image.getRGB(0, 0, width, height, rgb, 0, width);
      int base = n * frameSize();
      for (int p = 0; p < plane; p++) {
        int px = rgb[p];
        float r = ((px >> 16) & 0xff) / 255f;
        float g = ((px >> 8) & 0xff) / 255f;
        float b = (px & 0xff) / 255f;
        float c0 = channelOrder == ChannelOrder.RGB ? r : b;
        float c2 = channelOrder == ChannelOrder.RGB ? b : r;
        c0 = (c0 - mean[0]) / std[0];
        float c1 = (g - mean[1]) / std[1];
        c2 = (c2 - mean[2]) / std[2];
        if (layout == Layout.NCHW) {
          out[base + p] = c0;
          out[base + plane + p] = c1;
          out[base + 2 * plane + p] = c2;
        } else {
          out[base + 3 * p] = c0;
          out[base + 3 * p + 1] = c1;
          out[base + 3 * p + 2] = c2;
        }
      }
    }
    return out;
  }

  /** {@code image} scaled bilinearly to {@code w x h} as TYPE_INT_RGB (the image itself if it already is). */
  public static BufferedImage resize(BufferedImage image, int w, int h) {
    if (image.getWidth() == w && image.getHeight() == h && image.getType() == BufferedImage.TYPE_INT_RGB) {
      return image;
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** This configuration as JSON fields (without {@code id}). */
  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("inputWidth", width);
    node.put("inputHeight", height);
    ArrayNode m = node.putArray("mean");
    ArrayNode s = node.putArray("std");
    for (int c = 0; c < 3; c++) {
      m.add(mean[c]);
      s.add(std[c]);
    }
    node.put("channelOrder", channelOrder.name());
    node.put("layout", layout.name());
    return node;
  }

  /**
   * Reads the fields of {@link #toJson()} from a parsed object.
   *
   * @throws FormatException naming the field that is missing or invalid
   */
  public static Preprocessing fromJson(JsonFields json) {
    float[] mean = floats3(json, "mean");
    float[] std = floats3(json, "std");
    ChannelOrder order = enumField(json, "channelOrder", ChannelOrder.class, ChannelOrder.RGB);
    Layout layout = enumField(json, "layout", Layout.class, Layout.NCHW);
    try {
      return new Preprocessing(json.integer("inputWidth"), json.integer("inputHeight"), mean, std, order, layout);
    } catch (IllegalArgumentException e) {
      throw new FormatException(e.getMessage(), e);
    }
  }

  /**
   * Reads a model's JSON file; returns the configuration and the optional {@code id} field.
   *
   * @throws BackboneException naming the file if it is missing or invalid
   */
  public static Described read(Path file) {
    byte[] bytes;
    try {
      bytes = BoundedFiles.read(file, MAX_FILE_BYTES, "a preprocessing JSON file");
    } catch (NoSuchFileException e) {
      throw new BackboneException(file + ": no such file (every .pt/.onnx model needs its preprocessing JSON next "
          + "to it)", e);
    } catch (FileLimitException e) {
      throw new BackboneException(file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new BackboneException(file + ": cannot read: " + e, e);
    }
    try {
      JsonFields json = JsonFields.parse(bytes, 0, bytes.length, "preprocessing JSON");
      return new Described(fromJson(json), json.optionalString("id"));
    } catch (FormatException e) {
      throw new BackboneException(file + ": " + e.getMessage(), e);
    }
  }

  /** A preprocessing file's contents: the configuration and its {@code id}, or null. */
  public record Described(Preprocessing preprocessing, String id) {}

  private static float[] floats3(JsonFields json, String name) {
    double[] values = json.doubles(name);
    if (values.length != 3) {
      throw new FormatException("field '" + name + "' must hold 3 numbers, found " + values.length);
    }
    return new float[] {(float) values[0], (float) values[1], (float) values[2]};
  }

  private static <E extends Enum<E>> E enumField(JsonFields json, String name, Class<E> type, E fallback) {
    String value = json.optionalString(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new FormatException("field '" + name + "' has unsupported value '" + value + "', expected one of "
          + List.of(type.getEnumConstants()));
    }
  }
}
