package io.vibstream.connectors.camera;

import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.connectors.video.VideoSource;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * A camera or video file decoded by FFmpeg (JavaCV {@link FFmpegFrameGrabber}).
 *
 * <p>URLs: a file path or {@code file:} URL; live {@code rtsp://}, {@code udp://},
 * {@code tcp://}, {@code http(s)://}, {@code srt://}, {@code rtmp://} inputs; and
 * {@code lavfi:GRAPH} (FFmpeg's built-in test sources, e.g.
 * {@code lavfi:testsrc2=size=320x240:rate=25}; needs Debian's libpulse0, else FFmpeg has
 * no lavfi format). Live inputs always get FFmpeg's {@code timeout} and {@code rw_timeout}
 * (and {@code listen_timeout} with the FFmpeg option {@code rtsp_flags=listen}): without them a dead camera
 * blocks forever, and {@code FFmpegFrameGrabber.start()} holds a JVM-wide lock.
 *
 * <p>Frames come out scaled by FFmpeg's swscale to the requested size, as TYPE_3BYTE_BGR.
 * File inputs skip frames that fail to decode: JavaCV decode exceptions, and frames FFmpeg
 * drops silently (a damaged packet), found as presentation-time gaps larger than 1.5 frame
 * intervals; both are counted in {@link #corruptFrames()}. After 25 failures in a row the
 * file is treated as unreadable. A live stream that errors or ends returns null / throws;
 * wrap it in {@link ReconnectingVideoSource} (as {@link VideoSources} does) to reconnect.
 *
 * <p>Errors are one-line {@link IOException}s: {@code cannot open URL: reason}. FFmpeg's
 * own log is silenced unless {@code -Dvibstream.ffmpeg.log=true}.
 */
public final class CameraSource implements VideoSource, CorruptFrameCounter {
  private static final int MAX_CONSECUTIVE_ERRORS = 25;
  private static final int AVERROR_INVALIDDATA = -1094995529;

  static {
    if (Boolean.getBoolean("vibstream.ffmpeg.log")) {
      FFmpegLogCallback.set();
    } else {
      avutil.av_log_set_level(avutil.AV_LOG_QUIET);
    }
  }

  private final String url;
  private final boolean live;
  private final FFmpegFrameGrabber grabber;
  private final double frameRate;
  private long corrupt;
  private int consecutiveErrors;
  private long lastTimestamp = Long.MIN_VALUE;
  private boolean closed;

  private CameraSource(String url, boolean live, FFmpegFrameGrabber grabber) {
    this.url = url;
    this.live = live;
    this.grabber = grabber;
    double rate = grabber.getVideoFrameRate();
    this.frameRate = rate > 0 && rate < 1000 ? rate : grabber.getFrameRate();
  }

  /** Whether the URL names a live input (network or lavfi) rather than a file. */
  public static boolean isLive(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    return lower.startsWith("lavfi:") || (lower.contains("://") && !lower.startsWith("file:"));
  }

  /** Opens and starts the input; throws a one-line IOException when it cannot. */
  public static CameraSource open(String url, CameraSettings options) throws IOException {
    boolean live = isLive(url);
    String target = url;
    String format = null;
    if (url.toLowerCase(Locale.ROOT).startsWith("lavfi:")) {
      target = url.substring("lavfi:".length());
      format = "lavfi";
    } else if (!live) {
      Path path = url.startsWith("file:") ? Path.of(URI.create(url)) : Path.of(url);
      if (!Files.exists(path)) {
        throw new FileNotFoundException("cannot open " + url + ": no such file");
      }
      if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
        throw new IOException("cannot open " + url + ": not a readable file");
      }
      target = path.toString();
    }
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(target);
    if (format != null) {
      grabber.setFormat(format);
    }
    grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
    grabber.setVideoOption("threads", Integer.toString(options.decoderThreads()));
    if (options.width() > 0) {
      grabber.setImageWidth(options.width());
      grabber.setImageHeight(options.height());
    }
    if (live) {
      String micros = Long.toString(options.timeout().toNanos() / 1000);
      grabber.setOption("timeout", micros);
      grabber.setOption("rw_timeout", micros);
      String lower = url.toLowerCase(Locale.ROOT);
      if ("listen".equals(options.ffmpegOptions().get("rtsp_flags"))) {
        // FFmpeg 8's RTSP listen mode waits forever unless listen_timeout (seconds) is set.
        grabber.setOption("listen_timeout", Long.toString(Math.max(1, options.timeout().toSeconds())));
      }
      if (lower.startsWith("udp:")) {
        grabber.setOption("overrun_nonfatal", "1");
      }
    }
    options.ffmpegOptions().forEach(grabber::setOption);
    try {
      grabber.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      releaseQuietly(grabber);
      throw new IOException("cannot open " + url + ": " + reason(e, live, options), e);
    }
    if (!grabber.hasVideo()) {
      String container = grabber.getFormat();
      releaseQuietly(grabber);
      throw new IOException("cannot open " + url + ": no video stream (format " + container + ")");
    }
    return new CameraSource(url, live, grabber);
  }

  private static String reason(Throwable e, boolean live, CameraSettings options) {
    String msg = FfmpegErrors.clean(e);
    if (msg.contains("Could not find input format \"lavfi\"")) {
      return "FFmpeg's lavfi input format is unavailable (on Debian install libpulse0)";
    }
    if (msg.contains("avcodec_find_decoder") || msg.contains("Unsupported") || msg.contains("Did not find a video")) {
      return "unsupported video codec (FFmpeg found no decodable video stream)";
    }
    int code = FfmpegErrors.code(e);
    if (code == AVERROR_INVALIDDATA) {
      return "corrupt file or unknown format (FFmpeg: " + FfmpegErrors.describe(code) + ")";
    }
    if (live && (code == -5 || code == -110 || code == -11)) {
      return "no data within the " + options.timeout().toMillis() + " ms timeout (FFmpeg: "
          + FfmpegErrors.describe(code) + ")";
    }
    if (code != 0) {
      return FfmpegErrors.describe(code);
    }
    return msg;
  }

  @Override
  public VideoFrame next() throws IOException {
    if (closed) {
      throw new IOException(url + ": closed");
    }
    while (true) {
      Frame frame;
      try {
        frame = grabber.grabImage();
      } catch (FrameGrabber.Exception | RuntimeException e) {
        if (live) {
          throw new IOException(url + ": stream error: " + FfmpegErrors.clean(e), e);
        }
        corrupt++;
        if (++consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
          throw new IOException(url + ": unreadable video, " + consecutiveErrors + " decode errors in a row (last: "
              + FfmpegErrors.clean(e) + ")", e);
        }
        continue;
      }
      if (frame == null) {
        return null;
      }
      if (frame.image == null || frame.image[0] == null) {
        continue;
      }
      consecutiveErrors = 0;
      countGap(frame.timestamp);
      return new VideoFrame(toImage(frame), frame.timestamp, null);
    }
  }

  /** Frames FFmpeg dropped without an error show up as timestamp gaps. */
  private void countGap(long timestamp) {
    if (lastTimestamp != Long.MIN_VALUE && frameRate > 0) {
      double interval = 1e6 / frameRate;
      double gap = timestamp - lastTimestamp;
      if (gap > 1.5 * interval) {
        corrupt += Math.round(gap / interval) - 1;
      }
    }
    lastTimestamp = timestamp;
  }

  private static BufferedImage toImage(Frame frame) {
    int w = frame.imageWidth;
    int h = frame.imageHeight;
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    byte[] dst = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    ByteBuffer src = ((ByteBuffer) frame.image[0]).duplicate();
    int row = w * 3;
    int stride = frame.imageStride;
    if (stride == row) {
      src.position(0);
      src.get(dst, 0, row * h);
    } else {
      for (int y = 0; y < h; y++) {
        src.position(y * stride);
        src.get(dst, y * row, row);
      }
    }
    return image;
  }

  @Override
  public double frameRate() {
    return frameRate;
  }

  /** Output width. */
  public int width() {
    return grabber.getImageWidth();
  }

  /** Output height. */
  public int height() {
    return grabber.getImageHeight();
  }

  /** The source's codec, e.g. {@code msmpeg4v3}. */
  public String codec() {
    return grabber.getVideoCodecName();
  }

  /** Whether this is a live input. */
  public boolean live() {
    return live;
  }

  /** The URL it was opened with. */
  public String url() {
    return url;
  }

  @Override
  public long corruptFrames() {
    return corrupt;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      releaseQuietly(grabber);
    }
  }

  private static void releaseQuietly(FFmpegFrameGrabber grabber) {
    try {
      grabber.release();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      // nothing left to do with a grabber that cannot be released
    }
  }
}
