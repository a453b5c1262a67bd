package io.vibstream.connectors.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.connectors.datasets.SyntheticDataset;
import io.vibstream.connectors.datasets.VideoDatasets;
import io.vibstream.connectors.video.VideoClip;
import io.vibstream.connectors.video.VideoDataset;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticVideosTest {
  @TempDir
  Path tmp;

  @Test
  void writesTheUcfLayoutWithSplitListsAndReportsProgress() throws IOException {
    Path out = tmp.resolve("synth");
    List<Integer> progress = new ArrayList<>();
    SyntheticDataset data = SyntheticVideos.write(out, 3, 5, 42, 32, 32, 4, 25,
        (done, total, clip) -> {
          assertThat(total).isEqualTo(15);
          assertThat(clip).exists();
          progress.add(done);
        });
    assertThat(progress).hasSize(15).startsWith(1, 2).endsWith(15);
    assertThat(Files.readAllLines(out.resolve("classInd.txt"))).containsExactly("1 walk", "2 run", "3 jump");
    // 5 clips a class in 2 groups (g01: 3 clips, g02: 2); g01 is the test group.
    assertThat(out.resolve("walk/walk_g01_c01.avi")).isNotEmptyFile();
    assertThat(out.resolve("jump/jump_g02_c02.avi")).isNotEmptyFile();
    assertThat(Files.readAllLines(out.resolve("testlist01.txt"))).contains("run/run_g01_c03.avi").hasSize(9);
    assertThat(Files.readAllLines(out.resolve("trainlist01.txt"))).contains("jump/jump_g02_c01.avi 3").hasSize(6);
    assertThat(out.resolve("synth.properties")).content().contains("seed=42");
    try (var s = Files.list(out.resolve("walk"))) {
      assertThat(s.filter(p -> p.toString().endsWith(".part"))).isEmpty();
    }

    VideoDataset opened = VideoDatasets.open(out);
    assertThat(opened).isInstanceOf(SyntheticDataset.class);
    assertThat(opened.labels()).containsExactly("walk", "run", "jump");
    assertThat(opened.clips()).hasSize(15).allSatisfy(c -> assertThat(c.path()).exists());
    assertThat(data.clips()).extracting(VideoClip::group).containsOnly("g01", "g02");
    assertThat(data.clips().stream().filter(c -> c.split().equals("test"))).allMatch(c -> c.group().equals("g01"));
  }

  @Test
  void sameSeedSameVideosOtherSeedOtherVideos() throws IOException {
    SyntheticVideos.write(tmp.resolve("a"), 2, 1, 7, 32, 24, 3, 10);
    SyntheticVideos.write(tmp.resolve("b"), 2, 1, 7, 32, 24, 3, 10);
    SyntheticVideos.write(tmp.resolve("c"), 2, 1, 8, 32, 24, 3, 10);
    String clip = "run/run_g01_c01.avi";
    assertThat(Files.readAllBytes(tmp.resolve("a").resolve(clip))).isEqualTo(Files.readAllBytes(tmp.resolve("b").resolve(clip)));
    assertThat(Files.readAllBytes(tmp.resolve("a").resolve(clip))).isNotEqualTo(Files.readAllBytes(tmp.resolve("c").resolve(clip)));
    assertThat(Files.readAllLines(tmp.resolve("a/trainlist01.txt"))).containsExactly("walk/walk_g01_c01.avi 1",
        "run/run_g01_c01.avi 2");
  }

  @Test
  void everyActionMovesTheFigureAndGroupsShareTheScene() {
    for (Action a : Action.values()) {
      List<BufferedImage> frames = SyntheticVideos.render(a, 1, 1, 3, 48, 48, 10, 10);
      assertThat(frames).hasSize(10);
      assertThat(pixels(frames.get(0))).as(a.label()).isNotEqualTo(pixels(frames.get(9)));
      assertThat(frames.get(0).getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
    }
    assertThat(pixels(SyntheticVideos.render(Action.CLAP, 2, 1, 3, 48, 48, 2, 10).get(1)))
        .isEqualTo(pixels(SyntheticVideos.render(Action.CLAP, 2, 1, 3, 48, 48, 2, 10).get(1)));
  }

  @Test
  void aClipCanBeAWindowIntoALongerPerformance() throws IOException {
    var whole = SyntheticVideos.renderWithPoses(Action.FALL, 1, 1, 3, 48, 48, 8, 8);
    var window = SyntheticVideos.renderWithPoses(Action.FALL, 1, 1, 3, 48, 48, 8, 8, 3, 5);
    var again = SyntheticVideos.renderWithPoses(Action.FALL, 1, 1, 3, 48, 48, 8, 8, 3, 5);
    assertThat(window.poses()).isEqualTo(again.poses()).isNotEqualTo(whole.poses());
    // A 1 s clip of a fall that takes 1.8-4.75 s moves less than the whole fall does in 1 s.
    double wholeDrop = whole.poses().xy()[7][5] - whole.poses().xy()[0][5];
    double windowDrop = Math.abs(window.poses().xy()[7][5] - window.poses().xy()[0][5]);
    assertThat(windowDrop).isLessThan(Math.abs(wholeDrop));
    assertThatThrownBy(() -> SyntheticVideos.write(tmp.resolve("bad"), 2, 2, 2, 1, 32, 32, 8, 8, 0.5, 2, null))
        .hasMessageContaining("performances must last from the clip length");
  }

  @Test
  void rejectsBadArgumentsInOneLine() {
    assertThatThrownBy(() -> SyntheticVideos.write(tmp, 13, 1, 1, 32, 32, 2, 25))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("classes must be 1..12");
    assertThatThrownBy(() -> SyntheticVideos.write(tmp, 2, 1, 1, 33, 32, 2, 25))
        .hasMessageContaining("even");
    assertThatThrownBy(() -> SyntheticVideos.write(tmp, 2, 1, 1, 32, 32, 0, 25)).hasMessageContaining("frames");
    assertThatThrownBy(() -> Action.of("dance")).hasMessageContaining("unknown action 'dance'");
    assertThat(Action.of("Sit_Down")).isEqualTo(Action.SIT_DOWN);
  }

  @Test
  void groupsAndTestGroupsFollowUcf101Proportions() {
    assertThat(SyntheticVideos.groups(1)).isEqualTo(1);
    assertThat(SyntheticVideos.isTestGroup(1, 1)).isFalse();
    assertThat(SyntheticVideos.groups(10)).isEqualTo(3);
    assertThat(SyntheticVideos.groups(100)).isEqualTo(25);
    long test = java.util.stream.IntStream.range(0, 100)
        .filter(i -> SyntheticVideos.isTestGroup(SyntheticVideos.groupOf(i, 100), 100)).count();
    assertThat(test).isEqualTo(32);
  }

  static int[] pixels(BufferedImage img) {
    byte[] b = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    int[] out = new int[b.length];
    Arrays.setAll(out, i -> b[i] & 0xff);
    return out;
  }
}
