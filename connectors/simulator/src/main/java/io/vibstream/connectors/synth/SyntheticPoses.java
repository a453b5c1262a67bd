package io.vibstream.connectors.synth;

import io.vibstream.model.io.BoundedFiles;
import io.vibstream.model.io.FileLimitException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * The 2D keypoints of the figure in every frame of a synthetic clip, as {@link SyntheticVideos}
 * writes them next to the clip: {@code walk_g01_c01.avi} has {@code walk_g01_c01.pose}
 * ({@link #fileOf}).
 *
 * <p>File layout, little-endian:
 * <pre>
 *   offset      size        content
 *   0           8           magic "VIBPOSE1"
 *   8           4           u32 frames F
 *   12          4           u32 joints K (17, {@link #JOINT_NAMES})
 *   16          4           u32 video width
 *   20          4           u32 video height
 *   24          8*F*K       f32 x, f32 y per joint per frame (frame-major), image coordinates
 *                           normalized to [0, 1] by width and height (x right, y down; values
 *                           just outside [0, 1] mean the joint is outside the picture)
 *   24+8*F*K    F*K         u8 per joint per frame: 1 visible, 0 outside the picture or behind an
 *                           occluding box (self-occlusion and moving distractors are not counted)
 * </pre>
 * Frame {@code f} is the {@code f}-th encoded (and decoded) frame of the clip. The joints are in
 * the body's own left/right terms. The renderer draws a figure facing left as the mirror image
 * of one facing right with the <em>same</em> joint labels, so in this data set a horizontal flip
 * of a frame maps each joint to itself ({@link #FLIP_IDENTITY}); {@link #FLIP_SWAP_SIDES} is the
 * usual left/right swap for real footage.
 *
 * @param xy per frame, {@code 2K} floats {@code x0, y0, x1, y1, ...}
 * @param visible per frame, {@code K} flags
 */
public record SyntheticPoses(int width, int height, float[][] xy, boolean[][] visible) {
  /** Joint names, in file order. */
  public static final List<String> JOINT_NAMES = List.of("pelvis", "neck", "head", "l_shoulder", "l_elbow",
      "l_hand", "r_shoulder", "r_elbow", "r_hand", "l_hip", "l_knee", "l_ankle", "l_toe", "r_hip", "r_knee",
      "r_ankle", "r_toe");
  /** Number of joints. */
  public static final int JOINTS = JOINT_NAMES.size();
  /** Joint permutation of a horizontal flip that swaps left and right joints (real footage). */
  public static final int[] FLIP_SWAP_SIDES = {0, 1, 2, 6, 7, 8, 3, 4, 5, 13, 14, 15, 16, 9, 10, 11, 12};
  /** Joint permutation of a horizontal flip that keeps every joint (consistent with this renderer). */
  public static final int[] FLIP_IDENTITY = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  private static final byte[] MAGIC = "VIBPOSE1".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = 24;
  /** The largest pose file read, in bytes (64 MiB, some 390,000 frames). */
  private static final int MAX_BYTES = 64 << 20;

  public SyntheticPoses {
    if (xy.length != visible.length) {
      throw new IllegalArgumentException(xy.length + " keypoint frames but " + visible.length + " visibility frames");
    }
    float[][] xyCopy = new float[xy.length][];
    boolean[][] visCopy = new boolean[visible.length][];
    for (int f = 0; f < xy.length; f++) {
      if (xy[f].length != 2 * JOINTS || visible[f].length != JOINTS) {
        throw new IllegalArgumentException("frame " + f + " has " + xy[f].length + " coordinates and "
            + visible[f].length + " flags, expected " + 2 * JOINTS + " and " + JOINTS);
      }
      xyCopy[f] = xy[f].clone();
      visCopy[f] = visible[f].clone();
    }
    xy = xyCopy;
    visible = visCopy;
  }

  /** Number of frames. */
  public int frames() {
    return xy.length;
  }

  /** A copy of the keypoints: {@code [frames][2K]}. */
  @Override
  public float[][] xy() {
    return Arrays.stream(xy).map(float[]::clone).toArray(float[][]::new);
  }

  /** A copy of the visibility flags: {@code [frames][K]}. */
  @Override
  public boolean[][] visible() {
    return Arrays.stream(visible).map(boolean[]::clone).toArray(boolean[][]::new);
  }

  /** The pose file of a clip: the clip's name with its extension replaced by {@code .pose}. */
  public static Path fileOf(Path clip) {
    String name = clip.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return clip.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".pose");
  }

  /**
   * The keypoints of {@code clip}, {@code [frames][2K]}, or null if it has no pose file.
   *
   * @throws IOException if the pose file exists but cannot be read or is malformed
   */
  public static float[][] keypoints(Path clip) throws IOException {
    SyntheticPoses poses = read(clip);
    return poses == null ? null : poses.xy;
  }

  /**
   * Reads the pose file of {@code clip}, or returns null if there is none.
   *
   * @throws IOException if it exists but cannot be read or is malformed (message names the file)
   */
  public static SyntheticPoses read(Path clip) throws IOException {
    Path file = fileOf(clip);
    byte[] bytes;
    try {
      bytes = BoundedFiles.read(file, MAX_BYTES, "a pose file");
    } catch (NoSuchFileException e) {
      return null;
    } catch (FileLimitException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    try {
      return fromBytes(bytes);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": invalid pose file: " + e.getMessage(), e);
    }
  }

  /** Writes the pose file of {@code clip} (to a temporary name, then moved). */
  public void write(Path clip) throws IOException {
    Path file = fileOf(clip);
    Path part = file.resolveSibling(file.getFileName() + ".part");
    Files.write(part, toBytes());
    Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The file contents. */
  public byte[] toBytes() {
    int f = frames();
    ByteBuffer out = ByteBuffer.allocate(HEADER + 9 * f * JOINTS).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).putInt(f).putInt(JOINTS).putInt(width).putInt(height);
    for (float[] row : xy) {
      for (float v : row) {
        out.putFloat(v);
      }
    }
    for (boolean[] row : visible) {
      for (boolean v : row) {
        out.put((byte) (v ? 1 : 0));
      }
    }
    return out.array();
  }

  /** Parses file contents. */
  public static SyntheticPoses fromBytes(byte[] bytes) {
    if (bytes.length < HEADER || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new IllegalArgumentException("bad magic or truncated header");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    in.position(MAGIC.length);
    int f = in.getInt();
    int k = in.getInt();
    int width = in.getInt();
    int height = in.getInt();
    if (k != JOINTS) {
      throw new IllegalArgumentException(k + " joints, this reader knows " + JOINTS);
    }
    if (f < 0 || (long) HEADER + 9L * f * k != bytes.length) {
      throw new IllegalArgumentException(bytes.length + " bytes do not hold " + f + " frames of " + k + " joints");
    }
    float[][] xy = new float[f][2 * k];
    boolean[][] vis = new boolean[f][k];
    for (float[] row : xy) {
      for (int i = 0; i < row.length; i++) {
        row[i] = in.getFloat();
      }
    }
    for (boolean[] row : vis) {
      for (int i = 0; i < row.length; i++) {
        row[i] = in.get() != 0;
      }
    }
    return new SyntheticPoses(width, height, xy, vis);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SyntheticPoses p && width == p.width && height == p.height && Arrays.deepEquals(xy, p.xy)
        && Arrays.deepEquals(visible, p.visible);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.deepHashCode(xy) + Arrays.deepHashCode(visible);
  }

  @Override
  public String toString() {
    return "SyntheticPoses[" + frames() + " frames, " + JOINTS + " joints, " + width + "x" + height + "]";
  }
}
