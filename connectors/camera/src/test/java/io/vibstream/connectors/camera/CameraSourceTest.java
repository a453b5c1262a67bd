package io.vibstream.connectors.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.connectors.video.VideoFrame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CameraSourceTest {
  @TempDir Path dir;

  private static final CameraSettings QUICK = CameraSettings.defaults().withTimeout(Duration.ofSeconds(1));

  private static String openError(String url) {
    Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> VideoSources.defaults().open(url, QUICK).close());
    assertThat(e).as("opening %s", url).isInstanceOf(IOException.class);
    assertThat(e.getMessage()).matches("[\\p{Print}]+").startsWith("cannot open " + url + ": ");
    System.out.println("bad input -> " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void badInputsFailWithOneClearLine() throws Exception {
    assertThat(openError(dir.resolve("missing.mp4").toString())).endsWith("no such file");

    Path random = dir.resolve("random.mp4");
    byte[] noise = new byte[64 * 1024];
    new Random(7).nextBytes(noise);
    Files.write(random, noise);
    assertThat(openError(random.toString())).contains("corrupt file or unknown format");

    Path text = dir.resolve("notes.avi");
    Files.writeString(text, "this is not a video\n".repeat(100), StandardCharsets.UTF_8);
    assertThat(openError(text.toString())).contains("corrupt file or unknown format");

    Path wav = dir.resolve("sound.wav");
    AudioFormat format = new AudioFormat(8000, 16, 1, true, false);
    byte[] silence = new byte[16000];
    AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(silence), format, 8000),
        AudioFileFormat.Type.WAVE, wav.toFile());
    assertThat(openError(wav.toString())).contains("no video stream");

    // An AVI whose video codec tag FFmpeg does not know.
    Path avi = dir.resolve("codec.avi");
    TestMedia.writeMjpegAvi(avi, 32, 24, 3);
    byte[] bytes = Files.readAllBytes(avi);
    String s = new String(bytes, StandardCharsets.ISO_8859_1);
    for (int i = s.indexOf("MJPG"); i >= 0; i = s.indexOf("MJPG", i + 1)) {
      System.arraycopy("QQQQ".getBytes(StandardCharsets.ISO_8859_1), 0, bytes, i, 4);
    }
    Files.write(avi, bytes);
    assertThat(openError(avi.toString())).contains("unsupported video codec");

    int closedPort = freePort();
    assertThat(openError("http://127.0.0.1:" + closedPort + "/cam")).contains("Connection refused");
    long t0 = System.nanoTime();
    assertThat(openError("udp://127.0.0.1:" + closedPort)).contains("timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void aCorruptFrameMidStreamIsSkippedAndCounted() throws Exception {
    Path good = dir.resolve("good.avi");
    TestMedia.writeMjpegAvi(good, 64, 48, 20);
    byte[] bytes = Files.readAllBytes(good);
    List<Integer> starts = TestMedia.jpegStarts(bytes);
    assertThat(starts).hasSize(20);
    // Overwrite the 11th JPEG (header and data) with noise; the AVI index stays intact.
    Random rnd = new Random(3);
    for (int i = starts.get(10); i < starts.get(11) - 8; i++) {
      bytes[i] = (byte) rnd.nextInt();
    }
    Path bad = dir.resolve("bad.avi");
    Files.write(bad, bytes);

    try (CameraSource source = CameraSource.open(good.toString(), CameraSettings.defaults())) {
      assertThat(TestMedia.drain(source)).isEqualTo(20);
      assertThat(source.corruptFrames()).isZero();
    }
    try (CameraSource source = CameraSource.open(bad.toString(), CameraSettings.defaults().withSize(32, 32))) {
      int frames = 0;
      VideoFrame last = null;
      for (VideoFrame f = source.next(); f != null; f = source.next()) {
        frames++;
        last = f;
        assertThat(f.image().getWidth()).isEqualTo(32);
      }
      assertThat(frames).isEqualTo(19);
      assertThat(source.corruptFrames()).isEqualTo(1);
      assertThat(last.timestampMicros()).isEqualTo(1_900_000L);
    }
  }

  @Test
  void decodesAndScalesTheRealClip() throws Exception {
    try (CameraSource source = CameraSource.open(TestMedia.vtest().toString(), CameraSettings.defaults().withSize(224, 224))) {
      assertThat(source.frameRate()).isEqualTo(10.0);
      assertThat(source.codec()).isEqualTo("msmpeg4");
      VideoFrame f = source.next();
      assertThat(f.image().getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
      assertThat(f.image().getWidth()).isEqualTo(224);
      assertThat(f.image().getHeight()).isEqualTo(224);
      assertThat(f.timestampMicros()).isZero();
    }
  }

  @Test
  void lavfiTestSourceOrAClearMessageWhenFfmpegLacksIt() throws Exception {
    String url = "lavfi:testsrc2=size=64x48:rate=25";
    try (var source = VideoSources.defaults().open(url, QUICK)) {
      assertThat(source.next().image().getWidth()).isEqualTo(64);
    } catch (IOException e) {
      // Debian without libpulse0: FFmpeg's lavfi device is not registered.
      assertThat(e.getMessage()).isEqualTo("cannot open " + url
          + ": FFmpeg's lavfi input format is unavailable (on Debian install libpulse0)");
    }
  }

  @Test
  void bothJpegEncodersWriteDecodableJpegs() throws Exception {
    BufferedImage image = TestMedia.pattern(224, 224, 5);
    for (ImageEncoder encoder : List.of(ImageEncoder.jpeg("ffmpeg", 80), ImageEncoder.jpeg("imageio", 80))) {
      try (encoder) {
        for (int i = 0; i < 3; i++) {
          byte[] jpeg = encoder.encode(image);
          BufferedImage back = ImageIO.read(new ByteArrayInputStream(jpeg));
          assertThat(back.getWidth()).as(encoder.name()).isEqualTo(224);
          assertThat(meanAbsDiff(image, back)).as(encoder.name()).isLessThan(6.0);
        }
        // A different size re-initializes the encoder.
        assertThat(ImageIO.read(new ByteArrayInputStream(encoder.encode(TestMedia.pattern(64, 48, 1)))).getHeight())
            .isEqualTo(48);
      }
    }
    assertThatThrownBy(() -> ImageEncoder.jpeg("opencv", 80)).hasMessageContaining("unknown JPEG encoder");
  }

  @Test
  void ffmpegQualityFollowsLibjpegScaling() {
    assertThat(FfmpegJpegEncoder.qscale(80)).isEqualTo(4);
    assertThat(FfmpegJpegEncoder.qscale(90)).isEqualTo(2);
    assertThat(FfmpegJpegEncoder.qscale(50)).isEqualTo(10);
    assertThat(FfmpegJpegEncoder.qscale(1)).isEqualTo(31);
    assertThat(FfmpegJpegEncoder.qscale(100)).isEqualTo(2);
  }

  private static double meanAbsDiff(BufferedImage a, BufferedImage b) {
    long sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int s = 0; s < 24; s += 8) {
          sum += Math.abs(((p >> s) & 0xff) - ((q >> s) & 0xff));
        }
      }
    }
    return sum / (3.0 * a.getWidth() * a.getHeight());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
