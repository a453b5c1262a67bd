package io.vibstream.connectors.camera;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

/** FFmpeg error codes and JavaCV exception messages as short human-readable text. */
final class FfmpegErrors {
  private static final Pattern CODE = Pattern.compile("error (-?\\d+)");

  private FfmpegErrors() {}

  /** av_strerror of an FFmpeg return code. */
  static String describe(int code) {
    try (BytePointer buf = new BytePointer(256)) {
      if (avutil.av_strerror(code, buf, 256) == 0) {
        byte[] bytes = new byte[256];
        buf.get(bytes);
        int len = 0;
        while (len < bytes.length && bytes[len] != 0) {
          len++;
        }
        return new String(bytes, 0, len, java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return "error " + code;
  }

  /** The FFmpeg error code in a JavaCV exception message, or 0. */
  static int code(Throwable e) {
    Matcher m = CODE.matcher(String.valueOf(e.getMessage()));
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** A JavaCV exception message without its hints about setFormat() and log callbacks. */
  static String clean(Throwable e) {
    String msg = String.valueOf(e.getMessage());
    msg = msg.replace(" (Has setFormat() been called?)", "")
        .replace(" (For more details, make sure FFmpegLogCallback.set() has been called.)", "");
    return msg.strip();
  }
}
