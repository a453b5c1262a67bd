package io.vibstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSpecTest {
  @TempDir
  Path tmp;

  @Test
  void idxSpec() throws IOException {
    IdxFiles.writeTiny(tmp, true);
    DataSplit split = DataSpec.load("idx:" + tmp);
    assertThat(split.train().size()).isEqualTo(3);
    assertThat(split.description()).isEqualTo("idx:" + tmp);
  }

  @Test
  void featuresSpecWithAndWithoutClipLength() throws IOException {
    try (FeatureSequences.Writer writer = FeatureSequences.Writer.create(tmp, "net", 2, List.of("a", "b"))) {
      writer.add(new float[][] {{1, 2}, {3, 4}, {5, 6}}, "a", "train", null);
      writer.add(new float[][] {{7, 8}}, "b", "test", null);
    }
    assertThat(DataSpec.load("features:" + tmp + ":5").train().timeSteps()).isEqualTo(5);
    assertThat(DataSpec.load("features:" + tmp).train().timeSteps()).isEqualTo(DataSpec.DEFAULT_CLIP_LENGTH);
  }

  @Test
  void rejectsBadSpecs() {
    assertRejected("csv:/data/x", "data spec 'csv:/data/x': unknown scheme 'csv' (expected idx:DIR or "
        + "features:DIR[:clipLength])");
    assertRejected("/data/x", "data spec '/data/x' has no scheme");
    assertRejected("idx:", "data spec 'idx:': no directory given");
    assertRejected("idx:" + tmp.resolve("absent"), tmp.resolve("absent") + ": no such directory");
    assertRejected("features:" + tmp.resolve("absent") + ":8", tmp.resolve("absent") + ": no such directory");
    assertRejected("features:" + tmp + ":0", "clip length must be between 1 and 2147483647, got 0");
    assertRejected("features:" + tmp + ":99999999999", "got 99999999999");
  }

  private static void assertRejected(String spec, String message) {
    assertThatThrownBy(() -> DataSpec.load(spec))
        .isInstanceOf(InvalidDataException.class)
        .hasMessageContaining(message);
  }
}
