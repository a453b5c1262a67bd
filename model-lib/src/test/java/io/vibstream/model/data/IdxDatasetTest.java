package io.vibstream.model.data;

import static io.vibstream.model.data.IdxFiles.gzip;
import static io.vibstream.model.data.IdxFiles.images;
import static io.vibstream.model.data.IdxFiles.labels;
import static io.vibstream.model.data.IdxFiles.pixels;
import static io.vibstream.model.data.IdxFiles.write;
import static io.vibstream.model.data.IdxFiles.writeTiny;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetTest {
  @TempDir
  Path tmp;

  @Test
  void loadsPlainFilesAsRowSequences() throws IOException {
    Path dir = tmp.resolve("digits");
    writeTiny(dir, false);

    DataSplit split = IdxDataset.load(dir);

    assertThat(split.description()).isEqualTo("idx:" + dir);
    SequenceDataset train = split.train();
    assertThat(train.size()).isEqualTo(3);
    assertThat(train.timeSteps()).isEqualTo(2);
    assertThat(train.featureDim()).isEqualTo(3);
    assertThat(train.classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    assertThat(train.sequence(0)).isEqualTo(new float[][] {{1f, 1 / 255f, 2 / 255f}, {3 / 255f, 4 / 255f, 5 / 255f}});
    assertThat(train.sequence(2)[1]).containsExactly(23 / 255f, 24 / 255f, 25 / 255f);
    assertThat(new int[] {train.label(0), train.label(1), train.label(2)}).containsExactly(0, 9, 4);
    assertThat(split.test().size()).isEqualTo(2);
    assertThat(split.test().label(1)).isEqualTo(2);
  }

  @Test
  void loadsGzippedFilesTheSame() throws IOException {
    Path plain = tmp.resolve("plain");
    Path gz = tmp.resolve("gz");
    writeTiny(plain, false);
    writeTiny(gz, true);

    DataSplit a = IdxDataset.load(plain);
    DataSplit b = IdxDataset.load(gz);

    for (int i = 0; i < 3; i++) {
      assertThat(b.train().sequence(i)).isEqualTo(a.train().sequence(i));
      assertThat(b.train().label(i)).isEqualTo(a.train().label(i));
    }
    assertThat(b.test().sequence(1)).isEqualTo(a.test().sequence(1));
  }

  @Test
  void recognizesGzipByMagicWhateverTheName() throws IOException {
    Path dir = tmp.resolve("mixed");
    writeTiny(dir, false);
    Path labels = dir.resolve("t10k-labels-idx1-ubyte");
    Files.write(labels, gzip(Files.readAllBytes(labels)));

    assertThat(IdxDataset.load(dir).test().label(0)).isEqualTo(1);
  }

  @Test
  void classNamesFromLabelsFileOrFashionPath() throws IOException {
    Path fashion = tmp.resolve("Fashion-tiny");
    writeTiny(fashion, true);
    assertThat(IdxDataset.load(fashion).train().classNames()).isEqualTo(IdxDataset.FASHION_MNIST_LABELS);

    Files.write(fashion.resolve("labels.txt"), List.of("zero", "one", "", "two", "three", "four", "five", "six",
        "seven", "eight", "nine", ""));
    assertThat(IdxDataset.load(fashion).train().classNames()).startsWith("zero", "one", "two").hasSize(10);
  }

  @Test
  void missingFile() throws IOException {
    Path dir = tmp.resolve("d");
    writeTiny(dir, true);
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
    assertRejected(dir, "no t10k-labels-idx1-ubyte[.gz] in " + dir);
    assertRejected(tmp.resolve("absent"), tmp.resolve("absent") + ": no such directory");
  }

  @Test
  void badMagic() throws IOException {
    Path dir = tmp.resolve("d");
    writeTiny(dir, false);
    write(dir, "train-images-idx3-ubyte", labels((byte) 1, (byte) 2, (byte) 3), false);
    assertRejected(dir, dir.resolve("train-images-idx3-ubyte")
        + ": bad magic number 2049, expected 2051 (IDX unsigned-byte 3-D images)");
  }

  @Test
  void countMismatch() throws IOException {
    Path dir = tmp.resolve("d");
    writeTiny(dir, false);
    write(dir, "train-labels-idx1-ubyte", labels((byte) 1, (byte) 2), false);
    assertRejected(dir, dir + ": 3 images in train-images-idx3-ubyte but 2 labels in train-labels-idx1-ubyte");
  }

  @Test
  void truncatedPlainAndGzippedFiles() throws IOException {
    Path dir = tmp.resolve("d");
    writeTiny(dir, false);
    Path images = dir.resolve("train-images-idx3-ubyte");
    byte[] full = Files.readAllBytes(images);
    Files.write(images, Arrays.copyOf(full, 16 + 10));
    assertRejected(dir, images + ": truncated: expected 18 bytes of pixel data, found 10");
    Files.write(images, Arrays.copyOf(full, 9));
    assertRejected(dir, images + ": truncated: expected 16 header bytes, found 9");

    Files.delete(images);
    byte[] gz = gzip(full);
    Path gzImages = dir.resolve("train-images-idx3-ubyte.gz");
    Files.write(gzImages, Arrays.copyOf(gz, gz.length / 2));
    assertRejected(dir, gzImages + ": truncated");
  }

  @Test
  void headersDeclaringMorePixelsThanTheFileOrHeapHoldAreRefusedBeforeAllocating() throws IOException {
    Path dir = tmp.resolve("d");
    writeTiny(dir, false);
    Path images = dir.resolve("train-images-idx3-ubyte");
    write(dir, "train-images-idx3-ubyte", images(2_000_000, 32, 32, pixels(1, 6)), false);
    assertRejected(dir, images + ": truncated: expected 2048000000 bytes of pixel data, found 6");
    write(dir, "train-images-idx3-ubyte", images(60_000, 10_000, 10_000, pixels(1, 6)), false);
    assertRejected(dir, images + ": 60000 images of 10000x10000 are too many for one array");

    Files.delete(images);
    write(dir, "train-images-idx3-ubyte", images(2_000_000, 32, 32, pixels(1, 6)), true);
    long heapMiB = Runtime.getRuntime().maxMemory() >> 20;
    assertRejected(dir, images + ".gz: 2000000 images of 32x32 need 7812 MiB as floats, more than half the "
        + heapMiB + " MiB heap (raise -Xmx)");
  }

  @Test
  void labelOutsideClassNames() throws IOException {
    Path dir = tmp.resolve("d");
    writeTiny(dir, false);
    write(dir, "train-labels-idx1-ubyte", labels((byte) 1, (byte) 12, (byte) 3), false);
    assertRejected(dir, ": label 12 at index 1 is outside the 10 class names");
  }

  @Test
  void trainAndTestImageSizesMustAgree() throws IOException {
    Path dir = tmp.resolve("d");
    writeTiny(dir, false);
    write(dir, "t10k-images-idx3-ubyte", images(2, 3, 2, pixels(2, 6)), false);
    assertRejected(dir, dir + ": test images are 3x2 but train images are 2x3");
  }

  private static void assertRejected(Path dir, String message) {
    assertThatThrownBy(() -> IdxDataset.load(dir))
        .isInstanceOf(InvalidDataException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
