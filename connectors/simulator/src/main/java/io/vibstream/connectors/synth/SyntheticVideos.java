package io.vibstream.connectors.synth;

import io.vibstream.connectors.datasets.SyntheticDataset;
import io.vibstream.connectors.video.VideoFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Writes synthetic action data sets in the UCF layout: {@code <class>/<class>_gNN_cNN.avi} (MPEG-4
 * part 2 in AVI, q:v 3), {@code classInd.txt}, {@code trainlist01.txt} ("class/file.avi label"),
 * {@code testlist01.txt} ("class/file.avi") and {@code synth.properties}.
 *
 * <p>A group is an actor and a scene (looks, backdrop, static clutter, ground line) shared by clip
 * {@code gNN} of <em>every</em> class, so the background never tells the class; each clip then
 * draws its own view (zoom, yaw, camera jitter, lighting, noise, extra clutter, moving
 * distractors, occluder), position, facing and action style (rate, start phase, amplitudes). The
 * test list holds the first ~30% of the groups (at least one when there are two or more), as
 * UCF101's split 1 does. The output is a function of the arguments only.
 *
 * <p>Next to each clip goes its pose file ({@code walk_g02_c03.pose}, see {@link SyntheticPoses}
 * for the layout): per encoded frame, the 17 joints of the figure in image coordinates normalized
 * to [0, 1] (camera jitter included, exactly where they were drawn) and a visibility flag, for
 * pose-supervised backbone training. Readers that only want videos ignore it.
 */
public final class SyntheticVideos {
  /** Reports progress after each clip is written. */
  @FunctionalInterface
  public interface Progress {
    /**
     * Called after each clip.
     *
     * @param done clips written so far
     * @param total clips to write
     * @param clip the file just written
     */
    void clipWritten(int done, int total, Path clip);
  }

  private SyntheticVideos() {}

  /** The first {@code classes} actions, in label order. */
  public static List<Action> actions(int classes) {
    Action[] all = Action.values();
    if (classes < 1 || classes > all.length) {
      throw new IllegalArgumentException("classes must be 1.." + all.length + ", got " + classes);
    }
    return List.of(all).subList(0, classes);
  }

  /** Number of groups for {@code clipsPerClass} clips: about 4 clips a group, 2 to 25 groups (1 for one clip). */
  public static int groups(int clipsPerClass) {
    return clipsPerClass < 2 ? 1 : Math.max(2, Math.min(25, (clipsPerClass + 3) / 4));
  }

  /** The group (1-based) of clip {@code index} (0-based) among {@code clipsPerClass}. */
  public static int groupOf(int index, int clipsPerClass) {
    return groupOf(index, clipsPerClass, groups(clipsPerClass));
  }

  /** The group (1-based) of clip {@code index} (0-based) among {@code clipsPerClass} in {@code groups} groups. */
  public static int groupOf(int index, int clipsPerClass, int groups) {
    return index * groups / clipsPerClass + 1;
  }

  /** Whether group {@code group} (1-based) is in the test list. */
  public static boolean isTestGroup(int group, int clipsPerClass) {
    return isTestGroupOf(group, groups(clipsPerClass));
  }

  /** Whether group {@code group} (1-based) of {@code groups} is in the test list: the first ~30%. */
  public static boolean isTestGroupOf(int group, int groups) {
    return groups >= 2 && group <= Math.max(1, (int) Math.round(0.3 * groups));
  }

  /** The file name of clip {@code clip} (1-based) of group {@code group}, e.g. {@code walk_g02_c03.avi}. */
  public static String fileName(Action action, int group, int clip) {
    return String.format(Locale.ROOT, "%s_g%02d_c%02d.avi", action.label(), group, clip);
  }

  /** Same as {@link #write(Path, int, int, long, int, int, int, double, Progress)} without progress. */
  public static SyntheticDataset write(Path outDir, int classes, int clipsPerClass, long seed, int width, int height,
      int frames, double fps) throws IOException {
    return write(outDir, classes, clipsPerClass, seed, width, height, frames, fps, null);
  }

  /**
   * Writes {@code classes x clipsPerClass} clips and the split lists under {@code outDir}.
   *
   * @param width even, 16 to 4096
   * @param height even, 16 to 4096
   * @param progress called after each clip, or null
   * @return the written data set
   */
  public static SyntheticDataset write(Path outDir, int classes, int clipsPerClass, long seed, int width, int height,
      int frames, double fps, Progress progress) throws IOException {
    return write(outDir, classes, clipsPerClass, groups(Math.max(1, clipsPerClass)), seed, width, height, frames, fps,
        progress);
  }

  /**
   * Writes {@code classes x clipsPerClass} clips in {@code groups} groups (scenes; more groups, more
   * variety, e.g. for training a backbone) and the split lists under {@code outDir}.
   *
   * @param groups 1 to {@code clipsPerClass}
   */
  public static SyntheticDataset write(Path outDir, int classes, int clipsPerClass, int groups, long seed, int width,
      int height, int frames, double fps, Progress progress) throws IOException {
    return write(outDir, classes, clipsPerClass, groups, seed, width, height, frames, fps, 0, 0, progress);
  }

  /**
   * As {@link #write(Path, int, int, int, long, int, int, int, double, Progress)}, each clip a
   * window at a random offset into a performance of {@code minSeconds..maxSeconds} (as the live
   * {@code synth://} cameras' scripted actions last), or the whole performance if both are 0.
   */
  public static SyntheticDataset write(Path outDir, int classes, int clipsPerClass, int groups, long seed, int width,
      int height, int frames, double fps, double minSeconds, double maxSeconds, Progress progress)
      throws IOException {
    if (!(minSeconds == 0 && maxSeconds == 0) && !(minSeconds >= frames / fps && maxSeconds >= minSeconds
        && maxSeconds <= 600)) {
      throw new IllegalArgumentException("performances must last from the clip length (" + frames / fps
          + " s) to 600 s, min <= max, got " + minSeconds + ".." + maxSeconds);
    }
    List<Action> actions = actions(classes);
    if (clipsPerClass < 1) {
      throw new IllegalArgumentException("clips per class must be >= 1, got " + clipsPerClass);
    }
    if (groups < 1 || groups > clipsPerClass || groups > 99) {
      throw new IllegalArgumentException("groups must be 1 to min(99, clips per class " + clipsPerClass + "), got "
          + groups);
    }
    checkSize(width, height, frames, fps);
    if (width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("video width and height must be even, got " + width + "x" + height);
    }
    Files.createDirectories(outDir);
    List<String> classInd = new ArrayList<>();
    List<String> train = new ArrayList<>();
    List<String> test = new ArrayList<>();
    int total = classes * clipsPerClass;
    int done = 0;
    for (int a = 0; a < actions.size(); a++) {
      Action action = actions.get(a);
      classInd.add((a + 1) + " " + action.label());
      Path dir = Files.createDirectories(outDir.resolve(action.label()));
      int inGroup = 0;
      int lastGroup = 0;
      for (int i = 0; i < clipsPerClass; i++) {
        int group = groupOf(i, clipsPerClass, groups);
        inGroup = group == lastGroup ? inGroup + 1 : 1;
        lastGroup = group;
        String name = fileName(action, group, inGroup);
        Path file = dir.resolve(name);
        Rendered clip = renderWithPoses(action, group, inGroup, seed, width, height, frames, fps, minSeconds,
            maxSeconds);
        encode(file, clip.frames(), fps);
        clip.poses().write(file);
        String entry = action.label() + "/" + name;
        if (isTestGroupOf(group, groups)) {
          test.add(entry);
        } else {
          train.add(entry + " " + (a + 1));
        }
        done++;
        if (progress != null) {
          progress.clipWritten(done, total, file);
        }
      }
    }
    Files.write(outDir.resolve("classInd.txt"), classInd);
    Files.write(outDir.resolve("trainlist01.txt"), train);
    Files.write(outDir.resolve("testlist01.txt"), test);
    Files.write(outDir.resolve("synth.properties"), List.of(
        "# written by io.vibstream.connectors.synth.SyntheticVideos",
        "classes=" + classes, "clipsPerClass=" + clipsPerClass, "seed=" + seed, "width=" + width,
        "height=" + height, "frames=" + frames, "fps=" + fps, "groups=" + groups,
        "performanceSeconds=" + minSeconds + ".." + maxSeconds));
    return new SyntheticDataset(outDir);
  }

  /**
   * The frames (TYPE_3BYTE_BGR) of clip {@code clip} of group {@code group} of an action: what
   * {@code write} encodes for it with the same seed and sizes.
   */
  public static List<BufferedImage> render(Action action, int group, int clip, long seed, int width, int height,
      int frames, double fps) {
    return renderWithPoses(action, group, clip, seed, width, height, frames, fps).frames();
  }

  /** Frames of a clip with the figure's keypoints in each. */
  public record Rendered(List<BufferedImage> frames, SyntheticPoses poses) {}

  /** {@link #render} and the keypoints {@code write} stores in the clip's pose file. */
  public static Rendered renderWithPoses(Action action, int group, int clip, long seed, int width, int height,
      int frames, double fps) {
    return renderWithPoses(action, group, clip, seed, width, height, frames, fps, 0, 0);
  }

  /**
   * {@link #renderWithPoses(Action, int, int, long, int, int, int, double)} of a window at a random
   * offset into a performance of {@code minSeconds..maxSeconds} (both 0: the whole performance).
   */
  public static Rendered renderWithPoses(Action action, int group, int clip, long seed, int width, int height,
      int frames, double fps, double minSeconds, double maxSeconds) {
    checkSize(width, height, frames, fps);
    long sceneSeed = sceneSeed(seed, group);
    long viewSeed = mix(seed, action.ordinal() + 1, group * 1000L + clip);
    Stage stage = new Stage(sceneSeed, viewSeed, width, height);
    Performer performer = new Performer(stage, new SplittableRandom(mix(viewSeed, 1, 0)));
    double offset = 0;
    double seconds = frames / fps;
    if (maxSeconds > 0) {
      SplittableRandom window = new SplittableRandom(mix(viewSeed, 3, 0));
      seconds = minSeconds + (maxSeconds - minSeconds) * window.nextDouble();
      offset = (seconds - frames / fps) * window.nextDouble();
    }
    performer.start(action, 0, seconds);
    List<BufferedImage> images = new ArrayList<>(frames);
    float[][] xy = new float[frames][2 * SyntheticPoses.JOINTS];
    boolean[][] visible = new boolean[frames][SyntheticPoses.JOINTS];
    for (int i = 0; i < frames; i++) {
      BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
      performer.render(img, offset + i / fps, mix(viewSeed, 2, i));
      stage.keypoints(xy[i]);
      stage.visible(visible[i]);
      images.add(img);
    }
    return new Rendered(images, new SyntheticPoses(width, height, xy, visible));
  }

  /** Encodes images as MPEG-4 part 2 in AVI at quality 3 (written to a temporary name, then moved). */
  static void encode(Path file, List<BufferedImage> images, double fps) throws IOException {
    VideoFiles.quietFfmpeg();
    BufferedImage first = images.get(0);
    Path part = file.resolveSibling(file.getFileName() + ".part");
    try (Java2DFrameConverter converter = new Java2DFrameConverter();
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(part.toFile(), first.getWidth(), first.getHeight(), 0)) {
      recorder.setFormat("avi");
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(fps);
      recorder.setVideoQuality(3);
      recorder.setGopSize(12);
      recorder.setVideoOption("threads", "1");
      recorder.start();
      for (BufferedImage img : images) {
        recorder.record(converter.convert(img));
      }
      recorder.stop();
    } catch (org.bytedeco.javacv.FrameRecorder.Exception e) {
      Files.deleteIfExists(part);
      throw new IOException(file + ": cannot encode video (" + e.getMessage() + ")", e);
    }
    Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
  }

  static void checkSize(int width, int height, int frames, double fps) {
    if (width < 16 || height < 16 || width > 4096 || height > 4096) {
      throw new IllegalArgumentException("video size must be 16..4096 pixels a side, got " + width + "x" + height);
    }
    if (frames < 1) {
      throw new IllegalArgumentException("frames must be >= 1, got " + frames);
    }
    if (!(fps > 0 && fps <= 240)) {
      throw new IllegalArgumentException("fps must be in (0, 240], got " + fps);
    }
  }

  /** Seed of the actor and scene of group {@code group} in the data set of seed {@code seed}. */
  static long sceneSeed(long seed, int group) {
    return mix(seed, 0x5CE4EL, group);
  }

  /** Mixes seeds (SplitMix64 finalizer). */
  static long mix(long a, long b, long c) {
    long z = a * 0x9E3779B97F4A7C15L + b;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L + c;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
