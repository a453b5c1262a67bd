package io.vibstream.connectors.annotate;

import io.vibstream.connectors.video.VideoFiles;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Writes frames of one size at a constant frame rate to a video file: H.264 (the bundled FFmpeg's
 * {@code libopenh264}; it has no libx264), or MPEG-4 part 2 when H.264 cannot start. Frames are
 * 4:2:0, so JavaCV's recorder rounds an odd width or height up to the next even one (the decoded
 * video then has one more column or row). The container follows the extension: .mp4, .mov, .mkv or .avi. The file appears
 * under its name only on {@link #close()}; until then it is written next to it as {@code NAME.part}.
 */
public final class AnnotatedVideoWriter implements AutoCloseable {
  /** The H.264 encoder of the bundled FFmpeg. */
  public static final String H264 = "libopenh264";
  /** The fallback encoder. */
  public static final String MPEG4 = "mpeg4";

  private final Path file;
  private final Path part;
  private final FFmpegFrameRecorder recorder;
  private final String codec;
  private final int width;
  private final int height;
  private final Frame frame;
  private int written;
  private boolean failed;
  private boolean closed;

  private AnnotatedVideoWriter(Path file, Path part, FFmpegFrameRecorder recorder, String codec, int width,
      int height) {
    this.file = file;
    this.part = part;
    this.recorder = recorder;
    this.codec = codec;
    this.width = width;
    this.height = height;
    this.frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
  }

  /**
   * Opens {@code file} for {@code width x height} frames at {@code fps}.
   *
   * @throws IllegalArgumentException an unknown extension, a size or rate out of range
   * @throws IOException neither encoder could start (e.g. the folder is not writable)
   */
  public static AnnotatedVideoWriter open(Path file, int width, int height, double fps) throws IOException {
    String format = format(file);
    if (width < 2 || height < 2 || width > 8192 || height > 8192) {
      throw new IllegalArgumentException("video size must be 2..8192 pixels a side, got " + width + "x" + height);
    }
    if (!(fps > 0 && fps <= 1000)) {
      throw new IllegalArgumentException("fps must be in (0, 1000], got " + fps);
    }
    VideoFiles.quietFfmpeg();
    Path abs = file.toAbsolutePath();
    if (abs.getParent() != null && !Files.isDirectory(abs.getParent())) {
      throw new IOException(file + ": no such folder " + abs.getParent());
    }
    Path part = abs.resolveSibling(abs.getFileName() + ".part");
    String h264Failure;
    try {
      return new AnnotatedVideoWriter(abs, part, start(part, format, width, height, fps, true), H264, width, height);
    } catch (FrameRecorder.Exception | RuntimeException e) {
      h264Failure = oneLine(e);
    }
    try {
      return new AnnotatedVideoWriter(abs, part, start(part, format, width, height, fps, false), MPEG4, width, height);
    } catch (FrameRecorder.Exception | RuntimeException e) {
      Files.deleteIfExists(part);
      throw new IOException(file + ": cannot encode video (H.264: " + h264Failure + "; MPEG-4: "
          + oneLine(e) + ")", e);
    }
  }

  private static FFmpegFrameRecorder start(Path part, String format, int width, int height, double fps, boolean h264)
      throws FrameRecorder.Exception {
    FFmpegFrameRecorder r = new FFmpegFrameRecorder(part.toFile(), width, height, 0);
    r.setFormat(format);
    r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
    r.setFrameRate(fps);
    r.setGopSize((int) Math.max(1, Math.round(2 * fps)));
    // About 0.1 bit per pixel per frame (1.1 Mbit/s at 768x576, 25 fps), at least 400 kbit/s.
    r.setVideoBitrate((int) Math.min(50_000_000, Math.max(400_000, 0.1 * width * height * fps)));
    if (h264) {
      r.setVideoCodecName(H264);
      r.setVideoOption("allow_skip_frames", "0");
    } else {
      r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      r.setVideoQuality(3);
    }
    r.setVideoOption("threads", "1");
    try {
      r.start();
      return r;
    } catch (FrameRecorder.Exception | RuntimeException e) {
      try {
        r.release();
      } catch (FrameRecorder.Exception ignored) {
        // The start failure is the one to report.
      }
      throw e;
    }
  }

  /** The encoder in use: {@link #H264} or {@link #MPEG4}. */
  public String codec() {
    return codec;
  }

  /** Frames written so far. */
  public int framesWritten() {
    return written;
  }

  /** Appends one frame; it must have the size the writer was opened with. */
  public void write(BufferedImage image) throws IOException {
    if (closed) {
      throw new IllegalStateException("writer is closed");
    }
    if (image.getWidth() != width || image.getHeight() != height) {
      throw new IllegalArgumentException("frame is " + image.getWidth() + "x" + image.getHeight() + ", the video "
          + width + "x" + height);
    }
    BufferedImage bgr = image;
    if (image.getType() != BufferedImage.TYPE_3BYTE_BGR) {
      bgr = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
      bgr.createGraphics().drawImage(image, 0, 0, null);
    }
    byte[] src = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    ByteBuffer dst = (ByteBuffer) frame.image[0];
    int stride = frame.imageStride;
    for (int y = 0; y < height; y++) {
      dst.position(y * stride);
      dst.put(src, y * width * 3, width * 3);
    }
    dst.rewind();
    try {
      recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
      written++;
    } catch (FrameRecorder.Exception e) {
      failed = true;
      throw new IOException(file + ": cannot encode frame " + written + " (" + oneLine(e) + ")", e);
    }
  }

  /** Flushes the encoder and moves the file to its name; after a failed write it deletes it instead. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      recorder.stop();
      recorder.release();
    } catch (FrameRecorder.Exception e) {
      failed = true;
      throw new IOException(file + ": cannot finish video (" + oneLine(e) + ")", e);
    } finally {
      frame.close();
      if (failed) {
        Files.deleteIfExists(part);
      }
    }
    Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * The FFmpeg muxer for the extension of {@code file}.
   *
   * @throws IllegalArgumentException not .mp4, .mov, .mkv or .avi
   */
  public static String format(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1);
    return switch (ext) {
      case "mp4" -> "mp4";
      case "mov" -> "mov";
      case "mkv" -> "matroska";
      case "avi" -> "avi";
      default -> throw new IllegalArgumentException(file + ": video must end in .mp4, .mov, .mkv or .avi");
    };
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.strip().replace('\n', ' ');
  }
}
