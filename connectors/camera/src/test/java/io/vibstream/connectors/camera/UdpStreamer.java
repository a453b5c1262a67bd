package io.vibstream.connectors.camera;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * A live camera in its own process: pushes generated frames as MPEG-TS (MPEG-2 video) to
 * {@code udp://127.0.0.1:PORT} in real time. Args: PORT FRAMES FPS WIDTH HEIGHT.
 * Launched by tests with ProcessBuilder (FFmpeg start() holds a JVM-wide lock, so the
 * publisher and the listener belong in separate processes).
 */
public final class UdpStreamer {
  private UdpStreamer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int frames = Integer.parseInt(args[1]);
    int fps = Integer.parseInt(args[2]);
    int w = Integer.parseInt(args[3]);
    int h = Integer.parseInt(args[4]);
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    try (FFmpegFrameRecorder r = new FFmpegFrameRecorder("udp://127.0.0.1:" + port + "?pkt_size=1316", w, h);
        Java2DFrameConverter c = new Java2DFrameConverter()) {
      r.setFormat("mpegts");
      r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG2VIDEO);
      r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      r.setFrameRate(fps);
      r.setGopSize(fps / 2);
      r.setVideoBitrate(1_000_000);
      r.start();
      System.out.println("streaming");
      System.out.flush();
      long start = System.nanoTime();
      for (int i = 0; i < frames; i++) {
        long due = start + i * 1_000_000_000L / fps;
        long sleep = (due - System.nanoTime()) / 1_000_000;
        if (sleep > 0) {
          Thread.sleep(sleep);
        }
        r.record(c.convert(TestMedia.pattern(w, h, i)));
      }
      r.stop();
    }
  }
}
