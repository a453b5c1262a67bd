package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.model.backbone.BuiltinCnnArtifact;
import io.vibstream.model.data.DataSplit;
import io.vibstream.model.data.FeatureSequences;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train-backbone, extract and bench extract on generated MPEG-4 videos: class "circle" shows a
 * moving disc, class "square" a moving square, in drifting colors and sizes.
 */
class BackboneCliTest {
  @TempDir
  static Path tmp;

  static Path videos;

  @BeforeAll
  static void videos() throws IOException {
    videos = tmp.resolve("videos");
    SplittableRandom rnd = new SplittableRandom(3);
    // UCF11 layout: class/v_class_gNN/v_class_gNN_cNN.avi; 5 groups of 4 clips split 3:2 by group.
    for (String label : List.of("circle", "square")) {
      for (int g = 1; g <= 5; g++) {
        for (int c = 1; c <= 4; c++) {
          String group = String.format("v_%s_%02d", label, g);
          Path file = videos.resolve(label).resolve(group).resolve(String.format("%s_%02d.avi", group, c));
          Files.createDirectories(file.getParent());
          writeClip(file, label, rnd);
        }
      }
    }
  }

  @Test
  void trainBackboneThenExtractWritesAFeatureDataset() throws IOException {
    Path model = tmp.resolve("shapes.cnn");
    Cli train = run("train-backbone", "--dataset", videos.toString(), "--out", model.toString(), "--size", "32",
        "--epochs", "10", "--frames-per-clip", "8", "--batch-size", "16", "--lr", "5e-3");
    assertThat(train.exitCode()).as(train.err()).isZero();
    assertThat(train.out()).contains("24 train clips (192 frames), 16 test clips (128 frames), 2 classes");
    BuiltinCnnArtifact artifact = BuiltinCnnArtifact.read(model);
    assertThat(artifact.labels()).containsExactly("circle", "square");
    assertThat(artifact.metrics().get("validation_accuracy")).as("chance is 1/2").isGreaterThan(0.8);
    System.out.print(train.out());

    Path features = tmp.resolve("features");
    Cli extract = run("extract", "--dataset", videos.toString(), "--backbone", "builtin:" + model,
        "--out", features.toString(), "--batch", "8", "--frames", "10");
    assertThat(extract.exitCode()).as(extract.err()).isZero();
    System.out.print(extract.out());
    FeatureSequences.Info info = FeatureSequences.readInfo(features);
    assertThat(info.backboneId()).isEqualTo(artifact.id());
    assertThat(info.dimension()).isEqualTo(96);
    assertThat(info.labels()).containsExactly("circle", "square");
    assertThat(info.trainClips()).isEqualTo(24);
    assertThat(info.testClips()).isEqualTo(16);
    assertThat(info.minFrames()).isEqualTo(10);
    assertThat(info.maxFrames()).isEqualTo(10);
    DataSplit split = FeatureSequences.read(features, 5);
    assertThat(split.train().size()).isEqualTo(24);
    assertThat(split.backboneId()).isEqualTo(artifact.id());
  }

  @Test
  void extractReportsBadBackbonesAndDatasetsInOneLine() {
    Cli unknown = run("extract", "--dataset", videos.toString(), "--backbone", "resnet18",
        "--out", tmp.resolve("never").toString());
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err().strip()).startsWith("vibstream: error: unknown backbone spec 'resnet18'").doesNotContain("\n");
    Cli missing = run("extract", "--dataset", tmp.resolve("nothing").toString(), "--backbone", "builtin:x.cnn",
        "--out", tmp.resolve("never").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err().strip()).endsWith("nothing: no such directory").doesNotContain("\n");
  }

  @Test
  void benchExtractPrintsATableForBatch1And8And32() {
    Cli bench = run("bench", "extract", "--size", "32", "--warmup-ms", "100", "--samples", "3", "--sample-ms", "20");
    assertThat(bench.exitCode()).as(bench.err()).isZero();
    System.out.print(bench.out());
    assertThat(bench.out()).contains("random weights").contains("| batch | ms/batch | frames/s |");
    assertThat(bench.out().lines().filter(l -> l.matches("\\| (1|8|32) \\| [0-9.]+ \\| [0-9]+ \\|"))).hasSize(3);
  }

  @Test
  void sampleSpreadsFramesEvenly() {
    List<BufferedImage> frames = java.util.stream.IntStream.range(0, 10)
        .mapToObj(i -> new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB)).toList();
    List<BufferedImage> picked = TrainBackboneCommand.sample(frames, 4);
    assertThat(picked).containsExactly(frames.get(1), frames.get(3), frames.get(6), frames.get(8));
    assertThat(TrainBackboneCommand.sample(frames, 20)).isEqualTo(frames);
  }

  static Cli run(String... args) {
    return Cli.run(args);
  }

  private static void writeClip(Path file, String label, SplittableRandom rnd) throws IOException {
    int size = 48;
    float hue = (float) rnd.nextDouble();
    int s = 14 + rnd.nextInt(6);
    int x = rnd.nextInt(size - s);
    int y = rnd.nextInt(size - s);
    int dx = rnd.nextBoolean() ? 1 : -1;
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), size, size, 0);
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      recorder.setFormat("avi");
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(10);
      recorder.setVideoQuality(2);
      recorder.start();
      for (int t = 0; t < 16; t++) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(20, 20, 30));
        g.fillRect(0, 0, size, size);
        // Color and size drift during the clip; the shape is the class.
        g.setColor(Color.getHSBColor(hue + 0.07f * t, 0.8f, 1f));
        int st = s + t % 4;
        int px = Math.floorMod(x + 2 * dx * t, size - st);
        int py = Math.floorMod(y + t, size - st);
        if (label.equals("circle")) {
          g.fillOval(px, py, st, st);
        } else {
          g.fillRect(px, py, st, st);
        }
        g.dispose();
        recorder.record(converter.convert(image), avutil.AV_PIX_FMT_BGR24);
      }
      recorder.stop();
    }
  }
}
