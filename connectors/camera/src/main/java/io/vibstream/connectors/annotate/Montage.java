package io.vibstream.connectors.annotate;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * A grid of frames sampled evenly from a video (the first, the last and evenly spaced ones
 * between), each scaled to a tile and captioned with its frame number. Frames are offered one by
 * one in any order; only the sampled ones are kept, as tiles.
 */
public final class Montage {
  /** Gap between tiles and around the grid, in pixels. */
  static final int GAP = 4;
  static final Color BACKGROUND = new Color(24, 24, 24);

  private final long[] sampled;
  private final int tileWidth;
  private final TreeMap<Long, BufferedImage> tiles = new TreeMap<>();

  /**
   * @param totalFrames frames in the video (frame numbers 0..totalFrames-1)
   * @param count tiles wanted (fewer when the video is shorter)
   * @param tileWidth tile width in pixels; frames are scaled to it keeping their aspect ratio
   */
  public Montage(long totalFrames, int count, int tileWidth) {
    if (count < 1 || tileWidth < 16) {
      throw new IllegalArgumentException("a montage needs >= 1 tile of >= 16 pixels, got " + count + " of " + tileWidth);
    }
    this.sampled = sample(totalFrames, count);
    this.tileWidth = tileWidth;
  }

  /**
   * {@code count} frame numbers evenly spread over 0..total-1, first and last included (all
   * frames when there are no more than {@code count}).
   */
  public static long[] sample(long total, int count) {
    if (total <= 0) {
      return new long[0];
    }
    if (total <= count) {
      long[] all = new long[(int) total];
      Arrays.setAll(all, i -> i);
      return all;
    }
    if (count == 1) {
      return new long[] {0};
    }
    long[] out = new long[count];
    for (int i = 0; i < count; i++) {
      out[i] = Math.round((double) i * (total - 1) / (count - 1));
    }
    return out;
  }

  /** The frame numbers this montage keeps. */
  public long[] sampledFrames() {
    return sampled.clone();
  }

  /** Whether frame {@code frameNumber} is one of the sampled frames. */
  public boolean wants(long frameNumber) {
    return Arrays.binarySearch(sampled, frameNumber) >= 0;
  }

  /** Keeps a scaled, captioned copy of {@code frame} if it is sampled; returns whether it was. */
  public boolean offer(long frameNumber, BufferedImage frame) {
    if (!wants(frameNumber)) {
      return false;
    }
    int h = Math.max(1, (int) Math.round((double) frame.getHeight() * tileWidth / frame.getWidth()));
    BufferedImage tile = new BufferedImage(tileWidth, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = tile.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(frame, 0, 0, tileWidth, h, null);
    g.dispose();
    FrameAnnotator.caption(tile, "frame " + frameNumber);
    tiles.put(frameNumber, tile);
    return true;
  }

  /** Tiles kept so far. */
  public int size() {
    return tiles.size();
  }

  /** The grid: ceil(sqrt(n)) columns, tiles in frame order, row by row. */
  public BufferedImage render() {
    if (tiles.isEmpty()) {
      throw new IllegalStateException("no frames in the montage");
    }
    int n = tiles.size();
    int columns = (int) Math.ceil(Math.sqrt(n));
    int rows = (n + columns - 1) / columns;
    int tileHeight = tiles.values().stream().mapToInt(BufferedImage::getHeight).max().orElseThrow();
    BufferedImage out = new BufferedImage(GAP + columns * (tileWidth + GAP), GAP + rows * (tileHeight + GAP),
        BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = out.createGraphics();
    g.setColor(BACKGROUND);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    int i = 0;
    for (BufferedImage tile : tiles.values()) {
      g.drawImage(tile, tileX(i % columns), GAP + (i / columns) * (tileHeight + GAP), null);
      i++;
    }
    g.dispose();
    return out;
  }

  /** The left edge of column {@code column} in the rendered grid. */
  public int tileX(int column) {
    return GAP + column * (tileWidth + GAP);
  }

  /** Renders the grid and writes it as a PNG. */
  public void write(Path png) throws IOException {
    BufferedImage image = render();
    Path abs = png.toAbsolutePath();
    if (abs.getParent() != null && !Files.isDirectory(abs.getParent())) {
      throw new IOException(png + ": no such folder " + abs.getParent());
    }
    if (!ImageIO.write(image, "png", abs.toFile())) {
      throw new IOException(png + ": no PNG writer");
    }
  }
}
