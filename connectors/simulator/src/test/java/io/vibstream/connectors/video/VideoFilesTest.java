package io.vibstream.connectors.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.connectors.synth.Action;
import io.vibstream.connectors.synth.SyntheticVideos;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoFilesTest {
  @TempDir
  Path tmp;

  @Test
  void aWrittenClipReadsBackWithItsFramesSizeAndPixels() throws IOException {
    Path dir = tmp.resolve("synth");
    SyntheticVideos.write(dir, 1, 1, 5, 64, 48, 10, 25);
    Path clip = dir.resolve("walk").resolve(SyntheticVideos.fileName(Action.WALK, 1, 1));
    assertThat(VideoFiles.frameCount(clip)).isEqualTo(10);

    List<BufferedImage> decoded = VideoFiles.readFrames(clip, 0, 0, 0);
    List<BufferedImage> rendered = SyntheticVideos.render(Action.WALK, 1, 1, 5, 64, 48, 10, 25);
    assertThat(decoded).hasSize(10);
    for (int i = 0; i < decoded.size(); i++) {
      BufferedImage d = decoded.get(i);
      assertThat(d.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
      assertThat(d.getWidth()).isEqualTo(64);
      assertThat(d.getHeight()).isEqualTo(48);
      assertThat(meanAbsDiff(d, rendered.get(i))).as("frame %d", i).isLessThan(12);
    }

    List<BufferedImage> scaled = VideoFiles.readFrames(clip, 32, 20, 4);
    assertThat(scaled).hasSize(4);
    assertThat(scaled.get(0).getWidth()).isEqualTo(32);
    assertThat(scaled.get(0).getHeight()).isEqualTo(20);
    assertThat(scaled.get(3).getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
    assertThat(scaled.get(0)).isNotSameAs(scaled.get(1));
  }

  @Test
  void missingAndBrokenFilesFailInOneLineNamingTheFile() throws IOException {
    Path missing = tmp.resolve("missing.avi");
    assertThatThrownBy(() -> VideoFiles.readFrames(missing, 8, 8, 1)).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("missing.avi");
    Path text = Files.writeString(tmp.resolve("notes.avi"), "this is not a video\n".repeat(50));
    assertThatThrownBy(() -> VideoFiles.frameCount(text)).isInstanceOf(IOException.class)
        .hasMessageContaining("notes.avi").message().doesNotContain("\n");
    Path empty = Files.write(tmp.resolve("empty.avi"), new byte[0]);
    assertThatThrownBy(() -> VideoFiles.readFrames(empty, 8, 8, 1)).isInstanceOf(IOException.class)
        .hasMessageContaining("empty.avi").message().doesNotContain("\n");
  }

  static double meanAbsDiff(BufferedImage a, BufferedImage b) {
    byte[] x = ((DataBufferByte) a.getRaster().getDataBuffer()).getData();
    byte[] y = ((DataBufferByte) b.getRaster().getDataBuffer()).getData();
    assertThat(x).hasSameSizeAs(y);
    long sum = 0;
    for (int i = 0; i < x.length; i++) {
      sum += Math.abs((x[i] & 0xff) - (y[i] & 0xff));
    }
    return sum / (double) x.length;
  }
}
