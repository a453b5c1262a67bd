package io.vibstream.connectors.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vibstream.connectors.video.VideoFiles;
import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.model.pose.PoseJoints;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnotateTest {
  @TempDir
  Path dir;

  /** A standing figure filling the box; joint {@code hidden} (or none, -1) at visibility 0.1. */
  static PersonPose figure(float bx, float by, float bw, float bh, int hidden) {
    float[] x = new float[PoseJoints.COUNT];
    float[] y = new float[PoseJoints.COUNT];
    float[] v = new float[PoseJoints.COUNT];
    float cx = bx + bw / 2;
    set(x, y, PoseJoints.HEAD, cx, by + 0.12f * bh);
    set(x, y, PoseJoints.NECK, cx, by + 0.25f * bh);
    set(x, y, PoseJoints.PELVIS, cx, by + 0.55f * bh);
    set(x, y, PoseJoints.L_SHOULDER, cx + 0.2f * bw, by + 0.27f * bh);
    set(x, y, PoseJoints.L_ELBOW, cx + 0.3f * bw, by + 0.4f * bh);
    set(x, y, PoseJoints.L_HAND, cx + 0.3f * bw, by + 0.55f * bh);
    set(x, y, PoseJoints.R_SHOULDER, cx - 0.2f * bw, by + 0.27f * bh);
    set(x, y, PoseJoints.R_ELBOW, cx - 0.3f * bw, by + 0.4f * bh);
    set(x, y, PoseJoints.R_HAND, cx - 0.3f * bw, by + 0.55f * bh);
    set(x, y, PoseJoints.L_HIP, cx + 0.12f * bw, by + 0.56f * bh);
    set(x, y, PoseJoints.L_KNEE, cx + 0.14f * bw, by + 0.75f * bh);
    set(x, y, PoseJoints.L_ANKLE, cx + 0.15f * bw, by + 0.92f * bh);
    set(x, y, PoseJoints.L_TOE, cx + 0.25f * bw, by + 0.95f * bh);
    set(x, y, PoseJoints.R_HIP, cx - 0.12f * bw, by + 0.56f * bh);
    set(x, y, PoseJoints.R_KNEE, cx - 0.14f * bw, by + 0.75f * bh);
    set(x, y, PoseJoints.R_ANKLE, cx - 0.15f * bw, by + 0.92f * bh);
    set(x, y, PoseJoints.R_TOE, cx - 0.25f * bw, by + 0.95f * bh);
    for (int j = 0; j < PoseJoints.COUNT; j++) {
      v[j] = j == hidden ? 0.1f : 0.9f;
    }
    return new PersonPose(new PersonBox(bx, by, bw, bh), x, y, v, 0.9f);
  }

  private static void set(float[] x, float[] y, int j, float px, float py) {
    x[j] = px;
    y[j] = py;
  }

  static BufferedImage black(int w, int h) {
    return new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
  }

  static Color at(BufferedImage img, int x, int y) {
    return new Color(img.getRGB(x, y));
  }

  static int distance(Color a, Color b) {
    return Math.abs(a.getRed() - b.getRed()) + Math.abs(a.getGreen() - b.getGreen())
        + Math.abs(a.getBlue() - b.getBlue());
  }

  @Test
  void drawsBoxSkeletonAndTagInTheTracksColor() {
    BufferedImage img = black(200, 200);
    PersonPose pose = figure(50, 60, 80, 120, PoseJoints.L_HAND);
    FrameAnnotator.draw(img, List.of(new PersonAnnotation(3, pose, "walk", 0.83f, false)));
    Color c = FrameAnnotator.trackColor(3);
    // Box edges: left edge at x = 50 (the 2 px stroke covers 49..50), bottom edge at y = 180.
    assertEquals(0, distance(c, at(img, 50, 150)), "left box edge");
    assertEquals(0, distance(c, at(img, 90, 180)), "bottom box edge");
    // A visible joint is a dot; the inside of the box away from bones stays black.
    int kx = Math.round(pose.x()[PoseJoints.L_KNEE]);
    int ky = Math.round(pose.y()[PoseJoints.L_KNEE]);
    assertEquals(0, distance(c, at(img, kx, ky)), "left knee");
    assertEquals(Color.BLACK, at(img, 60, 150), "empty part of the box");
    // The bone to the hidden hand is faint: about 30% of the color, not full, not black.
    int mx = Math.round((pose.x()[PoseJoints.L_ELBOW] + pose.x()[PoseJoints.L_HAND]) / 2);
    int my = Math.round((pose.y()[PoseJoints.L_ELBOW] + pose.y()[PoseJoints.L_HAND]) / 2);
    Color faint = at(img, mx, my);
    int full = Math.max(c.getRed(), Math.max(c.getGreen(), c.getBlue()));
    int seen = Math.max(faint.getRed(), Math.max(faint.getGreen(), faint.getBlue()));
    assertTrue(seen > 0.15 * full && seen < 0.5 * full, "faint bone " + faint + " of " + c);
    // The tag plate sits above the box in the track's color and carries text.
    assertEquals(0, distance(c, at(img, 51, 58)), "tag plate");
    assertEquals("#3 walk 83%", FrameAnnotator.tag(new PersonAnnotation(3, pose, "walk", 0.83f, false)));
    boolean text = false;
    for (int x = 50; x < 120 && !text; x++) {
      for (int y = 40; y < 58 && !text; y++) {
        text = distance(at(img, x, y), c) > 200;
      }
    }
    assertTrue(text, "tag text drawn on the plate");
  }

  @Test
  void unsureLabelsAreDashedAndGray() {
    BufferedImage img = black(200, 200);
    PersonPose pose = figure(50, 60, 80, 120, -1);
    PersonAnnotation unsure = new PersonAnnotation(4, pose, "wave", 0.41f, true);
    FrameAnnotator.draw(img, List.of(unsure));
    assertEquals("#4 wave? 41%", FrameAnnotator.tag(unsure));
    Color c = FrameAnnotator.trackColor(4);
    int on = 0;
    int off = 0;
    for (int y = 62; y < 178; y++) {
      if (distance(c, at(img, 50, y)) == 0) {
        on++;
      } else if (at(img, 50, y).equals(Color.BLACK)) {
        off++;
      }
    }
    assertTrue(on > 20 && off > 20, "dashed left edge: " + on + " drawn, " + off + " gaps");
    Color plate = at(img, 51, 58);
    assertEquals(plate.getRed(), plate.getGreen(), "gray plate " + plate);
    assertEquals(plate.getGreen(), plate.getBlue(), "gray plate " + plate);
    assertEquals("#4", FrameAnnotator.tag(PersonAnnotation.unlabeled(4, pose)));
  }

  @Test
  void tagsOfNeighborsDoNotCoverEachOther() {
    BufferedImage img = black(300, 200);
    Color a = FrameAnnotator.trackColor(1);
    Color b = FrameAnnotator.trackColor(2);
    FrameAnnotator.draw(img, List.of(new PersonAnnotation(1, figure(50, 80, 40, 100, -1), "walk", 0.9f, false),
        new PersonAnnotation(2, figure(60, 80, 40, 100, -1), "run", 0.9f, false)));
    // The first tag's plate keeps its place just above its box; the second moved above it.
    assertEquals(0, distance(a, at(img, 51, 78)), "first tag in place");
    boolean above = false;
    for (int y = 0; y < 60 && !above; y++) {
      above = distance(b, at(img, 61, y)) == 0;
    }
    assertTrue(above, "second tag above the first");
  }

  @Test
  void tracksHaveDistinctColors() {
    for (int a = 0; a < 12; a++) {
      for (int b = a + 1; b < 12; b++) {
        assertTrue(distance(FrameAnnotator.trackColor(a), FrameAnnotator.trackColor(b)) > 40,
            "tracks " + a + " and " + b);
      }
    }
  }

  @Test
  void writesH264Mp4WithEveryFrameAndTheInputSize() throws Exception {
    Path out = dir.resolve("annotated.mp4");
    List<BufferedImage> frames = new ArrayList<>();
    try (AnnotatedVideoWriter writer = AnnotatedVideoWriter.open(out, 160, 120, 25)) {
      assertEquals(AnnotatedVideoWriter.H264, writer.codec(), "the bundled FFmpeg has libopenh264");
      for (int i = 0; i < 37; i++) {
        BufferedImage img = black(160, 120);
        FrameAnnotator.draw(img, List.of(new PersonAnnotation(1, figure(20 + i, 10, 60, 100, -1), "run", 0.9f,
            false)));
        frames.add(img);
        writer.write(img);
      }
      assertEquals(37, writer.framesWritten());
      assertTrue(Files.exists(dir.resolve("annotated.mp4.part")));
    }
    assertTrue(Files.size(out) > 1000);
    assertTrue(!Files.exists(dir.resolve("annotated.mp4.part")));
    List<BufferedImage> back = VideoFiles.readFrames(out, 0, 0, 0);
    assertEquals(37, back.size());
    assertEquals(37, VideoFiles.frameCount(out));
    assertEquals(160, back.get(0).getWidth());
    assertEquals(120, back.get(0).getHeight());
    // Lossy, but the box is still there: frame 30's left edge (x = 50) near the track color.
    Color c = FrameAnnotator.trackColor(1);
    assertTrue(distance(c, at(back.get(30), 50, 90)) < 120, "decoded edge " + at(back.get(30), 50, 90) + " vs " + c);
    assertTrue(distance(Color.BLACK, at(back.get(30), 60, 100)) < 60, "decoded background");
  }

  @Test
  void oddSizesAreRoundedUpToEven() throws Exception {
    Path out = dir.resolve("odd.mkv");
    String codec;
    try (AnnotatedVideoWriter writer = AnnotatedVideoWriter.open(out, 161, 121, 10)) {
      codec = writer.codec();
      for (int i = 0; i < 5; i++) {
        writer.write(black(161, 121));
      }
    }
    List<BufferedImage> back = VideoFiles.readFrames(out, 0, 0, 0);
    assertEquals(5, back.size(), "codec " + codec);
    assertEquals(162, back.get(0).getWidth(), "4:2:0 needs an even width");
    assertEquals(122, back.get(0).getHeight(), "4:2:0 needs an even height");
  }

  @Test
  void refusesWhatItCannotWrite() throws Exception {
    IllegalArgumentException ext = assertThrows(IllegalArgumentException.class,
        () -> AnnotatedVideoWriter.open(dir.resolve("x.txt"), 160, 120, 25));
    assertTrue(ext.getMessage().contains(".mp4"), ext.getMessage());
    java.io.IOException folder = assertThrows(java.io.IOException.class,
        () -> AnnotatedVideoWriter.open(dir.resolve("missing/x.mp4"), 160, 120, 25));
    assertTrue(folder.getMessage().contains("no such folder"), folder.getMessage());
    try (AnnotatedVideoWriter writer = AnnotatedVideoWriter.open(dir.resolve("y.mp4"), 160, 120, 25)) {
      assertThrows(IllegalArgumentException.class, () -> writer.write(black(100, 100)));
      writer.write(black(160, 120));
    }
  }

  @Test
  void montageSamplesEvenlyAndKeepsTheDrawings() throws Exception {
    assertEquals(List.of(0L, 3L, 6L, 9L), boxed(Montage.sample(10, 4)));
    assertEquals(List.of(0L, 1L, 2L), boxed(Montage.sample(3, 4)));
    assertEquals(List.of(0L, 50L, 99L), boxed(Montage.sample(100, 3)));
    Montage montage = new Montage(10, 4, 160);
    for (int i = 0; i < 10; i++) {
      BufferedImage img = black(160, 120);
      FrameAnnotator.draw(img, List.of(new PersonAnnotation(2, figure(20 + 5 * i, 30, 60, 80, -1), "jump", 0.7f,
          false)));
      assertEquals(i % 3 == 0, montage.offer(i, img));
    }
    Path png = dir.resolve("montage.png");
    montage.write(png);
    BufferedImage grid = ImageIO.read(png.toFile());
    int g = Montage.GAP;
    assertEquals(g + 2 * (160 + g), grid.getWidth());
    assertEquals(g + 2 * (120 + g), grid.getHeight());
    Color c = FrameAnnotator.trackColor(2);
    // Tile 2 (second row, first column) is frame 6: its box's left edge is at x = 20 + 30 = 50.
    int top = g + 120 + g;
    assertEquals(0, distance(c, at(grid, g + 50, top + 90)), "frame 6's box edge");
    assertEquals(Color.BLACK, at(grid, g + 35, top + 90), "frame 0's box is not in tile 2");
    // Tile 1 (first row, second column) is frame 3: edge at x = 35.
    assertEquals(0, distance(c, at(grid, montage.tileX(1) + 35, g + 90)), "frame 3's box edge");
    assertEquals(Montage.BACKGROUND, at(grid, 1, 1), "gap");
    // The caption plate in each tile's top-left corner has white text.
    boolean white = false;
    for (int x = g; x < g + 80 && !white; x++) {
      for (int y = top; y < top + 14 && !white; y++) {
        white = at(grid, x, y).equals(Color.WHITE);
      }
    }
    assertTrue(white, "frame number caption");
  }

  private static List<Long> boxed(long[] a) {
    List<Long> out = new ArrayList<>();
    for (long v : a) {
      out.add(v);
    }
    return out;
  }
}
