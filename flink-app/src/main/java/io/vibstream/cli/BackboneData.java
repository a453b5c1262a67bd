package io.vibstream.cli;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/**
 * Where the backbone commands get videos from. {@link #openDataset} and {@link #readFrames} are
 * the merge points: switch them to the connectors' data set readers ({@code VideoDataset},
 * {@code Clip} map one to one onto {@link Dataset}, {@link Clip}) and to
 * {@code VideoFiles.readFrames} when those land.
 */
final class BackboneData {
  static {
    // FFmpeg prints every input's format dump at the default level.
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
  }

  private BackboneData() {}

  /** A labelled video file; split is {@code train} or {@code test}. */
  record Clip(Path path, String label, String split) {}

  /** Class names in label order and every clip. */
  record Dataset(List<String> labels, List<Clip> clips) {
    Dataset {
      labels = List.copyOf(labels);
      clips = List.copyOf(clips);
    }
  }

  /** The labelled data set in {@code dir}. */
  static Dataset openDataset(Path dir) {
    return VideoFolders.open(dir);
  }

  /**
   * Decodes up to {@code maxFrames} frames from the start of {@code file}, scaled by FFmpeg to
   * {@code width x height}.
   */
  static List<BufferedImage> readFrames(Path file, int width, int height, int maxFrames) throws IOException {
    List<BufferedImage> frames = new ArrayList<>();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
      grabber.setImageWidth(width);
      grabber.setImageHeight(height);
      grabber.start();
      Frame frame;
      while (frames.size() < maxFrames && (frame = grabber.grabImage()) != null) {
        frames.add(toImage(frame));
      }
      grabber.stop();
    } catch (FFmpegFrameGrabber.Exception e) {
      throw new IOException(file + ": cannot decode: " + e.getMessage(), e);
    }
    return frames;
  }

  /**
   * A copy of a BGR24 frame (the grabber's default colour mode); rows may be padded in the frame,
   * FFmpeg aligns line sizes, and JavaCV then reports stride / width as the channel count.
   */
  private static BufferedImage toImage(Frame frame) {
    int w = frame.imageWidth;
    int h = frame.imageHeight;
    if (frame.image == null || !(frame.image[0] instanceof ByteBuffer source) || frame.imageStride < 3 * w) {
      throw new IllegalStateException("expected a BGR24 frame of width " + w + ", got stride " + frame.imageStride);
    }
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    byte[] dst = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    int stride = frame.imageStride;
    for (int y = 0; y < h; y++) {
      source.get(y * stride, dst, y * w * 3, w * 3);
    }
    return image;
  }

  /**
   * At most {@code max} clips of {@code split}, balanced over classes: the first clip of every
   * class, then the second of every class, and so on; in data set order within a class.
   */
  static List<Clip> select(Dataset dataset, String split, int max) {
    Map<String, List<Clip>> byLabel = new TreeMap<>();
    for (Clip clip : dataset.clips()) {
      if (clip.split().equals(split)) {
        byLabel.computeIfAbsent(clip.label(), k -> new ArrayList<>()).add(clip);
      }
    }
    List<Clip> out = new ArrayList<>();
    for (int round = 0; out.size() < max; round++) {
      boolean any = false;
      for (List<Clip> clips : byLabel.values()) {
        if (round < clips.size() && out.size() < max) {
          out.add(clips.get(round));
          any = true;
        }
      }
      if (!any) {
        break;
      }
    }
    return out;
  }
}
