package io.vibstream.connectors.video;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/** Decoding of video files with FFmpeg (JavaCV). */
public final class VideoFiles {
  static {
    quietFfmpeg();
  }

  private VideoFiles() {}

  /**
   * Lowers FFmpeg's own logging to errors (it dumps every opened file's streams at INFO). Called
   * by this class and the synthetic writer; errors still surface as exceptions.
   */
  public static void quietFfmpeg() {
    if (avutil.av_log_get_level() > avutil.AV_LOG_ERROR) {
      avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }
  }

  /**
   * Decodes up to {@code maxFrames} frames, scaled by FFmpeg to {@code width x height}.
   *
   * @param width output width, or 0 for the video's own
   * @param height output height, or 0 for the video's own
   * @param maxFrames the most frames to decode; 0 or less for all
   * @return frames as TYPE_3BYTE_BGR images, each its own copy
   * @throws NoSuchFileException the file is missing
   * @throws IOException the file is not a video FFmpeg can decode (the message names the file)
   */
  public static List<BufferedImage> readFrames(Path video, int width, int height, int maxFrames) throws IOException {
    if (width < 0 || height < 0) {
      throw new IllegalArgumentException("frame size must be >= 0, got " + width + "x" + height);
    }
    List<BufferedImage> frames = new ArrayList<>();
    try (FFmpegFrameGrabber grabber = open(video, width, height)) {
      Frame frame;
      while ((maxFrames <= 0 || frames.size() < maxFrames) && (frame = grabber.grabImage()) != null) {
        frames.add(toImage(frame));
      }
      grabber.stop();
    } catch (FrameGrabber.Exception e) {
      throw new IOException(video + ": cannot decode video (" + oneLine(e) + ")", e);
    }
    return frames;
  }

  /**
   * The number of video frames: the count the container records (AVI, MP4) or, when it has none,
   * the number decoded.
   */
  public static int frameCount(Path video) throws IOException {
    try (FFmpegFrameGrabber grabber = open(video, 0, 0)) {
      AVFormatContext ctx = grabber.getFormatContext();
      for (int i = 0; i < ctx.nb_streams(); i++) {
        AVStream st = ctx.streams(i);
        if (st.codecpar().codec_type() == avutil.AVMEDIA_TYPE_VIDEO && st.nb_frames() > 0) {
          return (int) st.nb_frames();
        }
      }
      int n = 0;
      while (grabber.grabFrame(false, true, false, false, false) != null) {
        n++;
      }
      return n;
    } catch (FrameGrabber.Exception e) {
      throw new IOException(video + ": cannot decode video (" + oneLine(e) + ")", e);
    }
  }

  private static FFmpegFrameGrabber open(Path video, int width, int height) throws IOException {
    if (!Files.isRegularFile(video)) {
      throw new NoSuchFileException(video.toString(), null, "no such video file");
    }
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
    grabber.setImageWidth(width);
    grabber.setImageHeight(height);
    grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
    try {
      grabber.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      close(grabber);
      throw new IOException(video + ": not a video FFmpeg can decode (" + oneLine(e) + ")", e);
    }
    if (grabber.getImageWidth() <= 0 || grabber.getVideoCodec() == 0) {
      close(grabber);
      throw new IOException(video + ": no decodable video stream");
    }
    return grabber;
  }

  private static void close(FFmpegFrameGrabber grabber) {
    try {
      grabber.close();
    } catch (FrameGrabber.Exception ignored) {
      // Already failing; the first error is the one to report.
    }
  }

  /**
   * Copies a BGR24 frame row by row. (Java2DFrameConverter of JavaCV 1.5.14 derives the channel
   * count from the row stride and fails when FFmpeg pads rows, e.g. at 32 pixels wide.)
   */
  private static BufferedImage toImage(Frame frame) {
    int w = frame.imageWidth;
    int h = frame.imageHeight;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    ByteBuffer src = ((ByteBuffer) frame.image[0]).duplicate();
    int stride = frame.imageStride;
    for (int y = 0; y < h; y++) {
      src.position(y * stride);
      src.get(dst, y * w * 3, w * 3);
    }
    return img;
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.strip().replace('\n', ' ');
  }
}
