package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.connectors.annotate.FrameAnnotator;
import io.vibstream.connectors.video.VideoFiles;
import io.vibstream.flink.functions.TestModels;
import io.vibstream.model.pose.PersonFeatures;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vibstream recognize} on the first 100 frames of the real vtest.avi (people walking in a
 * street): the real BlazePose estimator and tracker in the job on a local Flink cluster, with a
 * small random model on the per-person features (its labels are noise; the plumbing is not).
 */
class RecognizeCommandTest {
  private static final int FRAMES = 100;
  private static final Pattern LAST =
      Pattern.compile("tracks=(\\d+) events=(\\d+) labels=((?:[\\w-]+:\\d+)(?:,[\\w-]+:\\d+)*)?");
  private static final Pattern EVENT = Pattern.compile(
      "camera=vtest track=(\\d+) frames=(\\d+)\\.\\.(\\d+) label=([\\w-]+) confidence=(\\d\\.\\d\\d) unsure=(true|false)");

  static Path repoRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("bin/setup"))) {
        return d;
      }
    }
    throw new AssertionError("no folder with bin/setup above " + Path.of("").toAbsolutePath());
  }

  static Path vtest() {
    Path p = repoRoot().resolve(".media/vtest.avi");
    assertThat(p).as("run bin/setup (it fetches .media/vtest.avi)").isRegularFile();
    return p;
  }

  @Test
  @Timeout(240)
  void recognizesThePeopleOfARealVideo(@TempDir Path dir) throws Exception {
    Path vib = dir.resolve("people.vib");
    Files.write(vib, TestModels.artifact(3, PersonFeatures.ID, PersonFeatures.DIMENSION, 8, 5));
    Path video = dir.resolve("annotated.mp4");
    Path png = dir.resolve("montage.png");

    Cli cli = Cli.run("recognize", "--video", vtest().toString(), "--max-frames", "" + FRAMES, "--model",
        vib.toString(), "--out", video.toString(), "--montage", png.toString(), "--montage-frames", "6");

    System.out.print(cli.out());
    assertThat(cli.exitCode()).as(cli.err() + cli.out()).isZero();
    Matcher m = LAST.matcher(cli.lastLine());
    assertThat(m.matches()).as(cli.out()).isTrue();
    int tracks = Integer.parseInt(m.group(1));
    int events = Integer.parseInt(m.group(2));
    assertThat(tracks).as(cli.out()).isPositive();
    assertThat(events).isGreaterThanOrEqualTo(tracks);
    int perLabel = 0;
    for (String part : m.group(3).split(",")) {
      String label = part.substring(0, part.indexOf(':'));
      assertThat(TestModels.LABELS).contains(label);
      perLabel += Integer.parseInt(part.substring(part.indexOf(':') + 1));
    }
    assertThat(perLabel).isEqualTo(events);
    List<String> eventLines = cli.out().lines().filter(l -> l.startsWith("camera=")).toList();
    assertThat(eventLines).hasSize(events);
    for (String line : eventLines) {
      Matcher e = EVENT.matcher(line);
      assertThat(e.matches()).as(line).isTrue();
      long first = Long.parseLong(e.group(2));
      long last = Long.parseLong(e.group(3));
      // the model's clip is 8 frames; a track's missed detections (up to 2 in a row) widen its window
      assertThat(last - first).as(line).isBetween(7L, 7L + 3 * 7);
      assertThat(last).as(line).isLessThan(FRAMES);
    }

    // The annotated video: every frame, the input's size; the drawing pass agrees with the job.
    assertThat(VideoFiles.frameCount(video)).isEqualTo(FRAMES);
    List<BufferedImage> back = VideoFiles.readFrames(video, 0, 0, 1);
    assertThat(back.get(0).getWidth()).isEqualTo(768);
    assertThat(back.get(0).getHeight()).isEqualTo(576);
    Matcher agree = Pattern.compile("skeletons: " + FRAMES + " frames, (\\d+) tracks; (\\d+) of (\\d+) events' boxes")
        .matcher(cli.out());
    assertThat(agree.find()).as(cli.out()).isTrue();
    assertThat(Integer.parseInt(agree.group(1))).isGreaterThanOrEqualTo(tracks);
    assertThat(agree.group(2)).as("same estimator and tracker over the same frames: same boxes")
        .isEqualTo(agree.group(3));
    assertThat(Integer.parseInt(agree.group(3))).isEqualTo(events);

    // The montage: 6 tiles in 3 columns and 2 rows, some pixels in a track's color.
    BufferedImage grid = ImageIO.read(png.toFile());
    assertThat(grid.getWidth()).isEqualTo(4 + 3 * (384 + 4));
    assertThat(grid.getHeight()).isEqualTo(4 + 2 * (288 + 4));
    assertThat(cli.out()).contains("montage " + png + ": 6 frames [0, 20, 40, 59, 79, 99]");
    boolean colored = false;
    for (long t = 1; t <= tracks && !colored; t++) {
      int rgb = FrameAnnotator.trackColor(t).getRGB();
      for (int y = 0; y < grid.getHeight() && !colored; y++) {
        for (int x = 0; x < grid.getWidth() && !colored; x++) {
          colored = close(grid.getRGB(x, y), rgb);
        }
      }
    }
    assertThat(colored).as("a track's color in the montage").isTrue();
  }

  private static boolean close(int a, int b) {
    Color x = new Color(a);
    Color y = new Color(b);
    return Math.abs(x.getRed() - y.getRed()) + Math.abs(x.getGreen() - y.getGreen())
        + Math.abs(x.getBlue() - y.getBlue()) < 12;
  }

  @Test
  void wrongPathsAndFlagsSayWhatIsWrongInOneLine(@TempDir Path dir) throws Exception {
    Cli missing = Cli.run("recognize", "--video", dir.resolve("nope.avi").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err().strip()).doesNotContain("\n").contains("--video").contains("nope.avi: no such file");

    Cli pose = Cli.run("recognize", "--video", vtest().toString(), "--pose", "heavy");
    assertThat(pose.exitCode()).isEqualTo(2);
    assertThat(pose.err().strip()).doesNotContain("\n").contains("--pose").contains("heavy");

    Cli ext = Cli.run("recognize", "--video", vtest().toString(), "--out", dir.resolve("a.gif").toString());
    assertThat(ext.exitCode()).isEqualTo(2);
    assertThat(ext.err().strip()).doesNotContain("\n").contains("--out").contains(".mp4");

    Cli folder = Cli.run("recognize", "--video", vtest().toString(), "--montage",
        dir.resolve("no/such/m.png").toString());
    assertThat(folder.exitCode()).isEqualTo(2);
    assertThat(folder.err().strip()).doesNotContain("\n").contains("no such folder");

    Path notVideo = dir.resolve("notes.avi");
    Files.writeString(notVideo, "not a video");
    Cli corrupt = Cli.run("recognize", "--video", notVideo.toString());
    assertThat(corrupt.exitCode()).isEqualTo(2);
    assertThat(corrupt.err().strip()).doesNotContain("\n").contains("--video").contains("notes.avi");

    Cli model = Cli.run("recognize", "--video", vtest().toString(), "--model", dir.resolve("m.vib").toString());
    assertThat(model.exitCode()).isEqualTo(2);
    assertThat(model.err().strip()).doesNotContain("\n").contains("--model").contains("no such file");

    Path cameraModel = dir.resolve("camera.vib");
    Files.write(cameraModel, TestModels.artifact(1, "builtin-cnn-v1:x", 8, 8, 1));
    Cli wrongKind = Cli.run("recognize", "--video", vtest().toString(), "--model", cameraModel.toString());
    assertThat(wrongKind.exitCode()).isEqualTo(2);
    assertThat(wrongKind.err().strip()).doesNotContain("\n").contains(PersonFeatures.ID);
  }
}
