package io.vibstream.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TorchScript and ONNX extractors on real, hand-written model files. */
class ModelFileExtractorsTest {
  private static final int SIZE = 8;
  private static final String JSON = """
      {"inputWidth": 8, "inputHeight": 8, "mean": [0.5, 0.25, 0.0], "std": [0.5, 0.25, 1.0],
       "channelOrder": "RGB", "layout": "NCHW"}
      """;

  @TempDir
  Path dir;

  @Test
  void onnxModelGivesTheConvReluPoolFeaturesComputedInJava() throws IOException {
    SplittableRandom rnd = new SplittableRandom(7);
    float[] weight = new float[4 * 3 * 3 * 3];
    float[] bias = new float[4];
    for (int i = 0; i < weight.length; i++) {
      weight[i] = (float) rnd.nextDouble(-1, 1);
    }
    for (int i = 0; i < bias.length; i++) {
      bias[i] = (float) rnd.nextDouble(-0.2, 0.2);
    }
    Path model = dir.resolve("tiny.onnx");
    TinyOnnx.write(model, SIZE, weight, bias);
    Files.writeString(dir.resolve("tiny.json"), JSON);
    List<BufferedImage> frames = frames(5, rnd);
    try (FeatureExtractor extractor = FeatureExtractors.open(model.toString())) {
      assertThat(extractor.id()).matches("onnx:tiny:[0-9a-f]{12}");
      assertThat(extractor.dimension()).isEqualTo(4);
      assertThat(extractor.inputWidth()).isEqualTo(SIZE);
      float[][] features = extractor.extract(frames);
      float[][] chunked = extractor.extract(frames, 2);
      Preprocessing prep = ((OnnxExtractor) extractor).preprocessing();
      for (int n = 0; n < frames.size(); n++) {
        float[] expected = TinyOnnx.reference(prep.toTensor(List.of(frames.get(n))), SIZE, weight, bias);
        for (int c = 0; c < 4; c++) {
          assertThat(features[n][c]).isCloseTo(expected[c], within(1e-4f));
          assertThat(chunked[n][c]).isCloseTo(features[n][c], within(1e-5f));
        }
      }
    }
  }

  @Test
  void torchScriptModelComputesChannelMeansAndMaxima() throws IOException {
    Path model = dir.resolve("stats.pt");
    TinyTorchScript.write(model);
    Files.writeString(dir.resolve("stats.json"), JSON.replace("}", ", \"id\": \"channel-stats\"}"));
    List<BufferedImage> frames = frames(3, new SplittableRandom(3));
    try (FeatureExtractor extractor = FeatureExtractors.open(model.toString())) {
      assertThat(extractor.id()).matches("torchscript:channel-stats:[0-9a-f]{12}");
      assertThat(extractor.dimension()).isEqualTo(6);
      float[][] features = extractor.extract(frames);
      Preprocessing prep = ((TorchScriptExtractor) extractor).preprocessing();
      for (int n = 0; n < frames.size(); n++) {
        float[] x = prep.toTensor(List.of(frames.get(n)));
        for (int c = 0; c < 3; c++) {
          double sum = 0;
          float max = Float.NEGATIVE_INFINITY;
          for (int p = 0; p < SIZE * SIZE; p++) {
            sum += x[c * SIZE * SIZE + p];
            max = Math.max(max, x[c * SIZE * SIZE + p]);
          }
          assertThat(features[n][c]).isCloseTo((float) (sum / (SIZE * SIZE)), within(1e-5f));
          assertThat(features[n][3 + c]).isCloseTo(max, within(1e-6f));
        }
      }
    }
  }

  @Test
  void corruptOrMissingModelFilesFailWithOneLine() throws IOException {
    Path pt = dir.resolve("broken.pt");
    Files.write(pt, new byte[] {1, 2, 3, 4, 5});
    Files.writeString(dir.resolve("broken.json"), JSON);
    assertOneLine(() -> FeatureExtractors.open(pt.toString()), pt + ": not a loadable TorchScript model");
    Path onnx = dir.resolve("broken.onnx");
    Files.write(onnx, new byte[] {1, 2, 3, 4, 5});
    assertOneLine(() -> FeatureExtractors.open(onnx.toString()), onnx + ": not a loadable ONNX model");
    Path lonely = dir.resolve("lonely.pt");
    TinyTorchScript.write(lonely);
    assertOneLine(() -> FeatureExtractors.open(lonely.toString()), dir.resolve("lonely.json") + ": no such file");
    assertOneLine(() -> FeatureExtractors.open(dir.resolve("absent.onnx").toString()),
        dir.resolve("absent.onnx") + ": no such file");
    Files.writeString(dir.resolve("bad.json"), "{\"inputWidth\": 8, \"mean\": [0, 0, 0], \"std\": [1, 1, 1]}");
    Files.copy(lonely, dir.resolve("bad.pt"));
    assertOneLine(() -> FeatureExtractors.open(dir.resolve("bad.pt").toString()), "missing field 'inputHeight'");
    assertOneLine(() -> FeatureExtractors.open("resnet18"), "unknown backbone spec 'resnet18'");
    assertOneLine(() -> FeatureExtractors.open("builtin:"), "names no file");
    assertOneLine(() -> FeatureExtractors.open("builtin:" + dir.resolve("none.cnn")), dir.resolve("none.cnn")
        + ": no such file");
  }

  static void assertOneLine(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String part) {
    assertThatThrownBy(call).isInstanceOf(BackboneException.class)
        .hasMessageContaining(part)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  static List<BufferedImage> frames(int n, SplittableRandom rnd) {
    List<BufferedImage> frames = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Larger than the model input, so resizing is exercised too.
      BufferedImage image = new BufferedImage(16, 12, BufferedImage.TYPE_3BYTE_BGR);
      for (int y = 0; y < 12; y++) {
        for (int x = 0; x < 16; x++) {
          image.setRGB(x, y, rnd.nextInt(1 << 24));
        }
      }
      frames.add(image);
    }
    return frames;
  }
}
