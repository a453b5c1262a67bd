package io.vibstream.connectors.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.connectors.video.VideoClip;
import io.vibstream.connectors.video.VideoDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layout tests on miniature data sets of empty files (no decoding). */
class DatasetsTest {
  @TempDir
  Path tmp;

  private static void touch(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[0]);
  }

  private Path ucf11() throws IOException {
    Path root = tmp.resolve("UCF11_updated_mpg");
    // basketball: 5 groups of 2 clips; walking: 1 group of 5 clips; diving: groups of 1, 2, 3, 4 clips.
    for (int g = 1; g <= 5; g++) {
      for (int c = 1; c <= 2; c++) {
        touch(root.resolve(String.format("basketball/v_shooting_%02d/v_shooting_%02d_%02d.mpg", g, g, c)));
      }
    }
    for (int c = 1; c <= 5; c++) {
      touch(root.resolve(String.format("walking/v_walk_dog_01/v_walk_dog_01_%02d.avi", c)));
    }
    for (int g = 1; g <= 4; g++) {
      for (int c = 1; c <= g; c++) {
        touch(root.resolve(String.format("diving/v_diving_%02d/v_diving_%02d_%02d.avi", g, g, c)));
      }
    }
    touch(root.resolve("basketball/Annotation/v_shooting_01_01.xgtf"));
    return tmp;
  }

  @Test
  void ucf11SplitsSixtyFortyByGroupWithinEachClassDeterministically() throws IOException {
    Path root = ucf11();
    VideoDataset data = VideoDatasets.open(root);
    assertThat(data).isInstanceOf(Ucf11Dataset.class);
    assertThat(data.labels()).containsExactly("basketball", "diving", "walking");
    assertThat(data.clips()).hasSize(25);
    Map<String, Long> test = data.clips().stream().filter(c -> c.split().equals("test"))
        .collect(Collectors.groupingBy(VideoClip::label, Collectors.counting()));
    assertThat(test).containsEntry("basketball", 4L).containsEntry("walking", 2L).containsEntry("diving", 4L);
    for (String label : data.labels()) {
      if (label.equals("walking")) {
        continue;
      }
      Set<String> trainGroups = new HashSet<>();
      Set<String> testGroups = new HashSet<>();
      data.clips().stream().filter(c -> c.label().equals(label))
          .forEach(c -> (c.split().equals("train") ? trainGroups : testGroups).add(c.group()));
      assertThat(trainGroups).as(label).doesNotContainAnyElementsOf(testGroups).isNotEmpty();
      assertThat(testGroups).as(label).isNotEmpty();
    }
    assertThat(data.clips()).filteredOn(c -> c.label().equals("basketball")).extracting(VideoClip::group)
        .contains("g01", "g05");
    assertThat(new Ucf11Dataset(root).clips()).isEqualTo(data.clips());
    assertThat(VideoDatasets.open("ucf11:" + root).clips()).isEqualTo(data.clips());
  }

  private Path ucf101() throws IOException {
    Path root = tmp.resolve("ucf101");
    Path lists = root.resolve("ucfTrainTestlist");
    Files.createDirectories(lists);
    Files.write(lists.resolve("classInd.txt"), List.of("1 ApplyEyeMakeup", "2 HandstandPushups"));
    touch(root.resolve("UCF-101/ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi"));
    touch(root.resolve("UCF-101/ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi"));
    touch(root.resolve("UCF-101/HandstandPushups/v_HandStandPushups_g08_c01.avi"));
    touch(root.resolve("UCF-101/HandstandPushups/v_HandStandPushups_g02_c03.avi"));
    Files.write(lists.resolve("trainlist01.txt"), List.of("ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1\r",
        "HandstandPushups/v_HandStandPushups_g08_c01.avi 2\r"));
    Files.write(lists.resolve("testlist01.txt"), List.of("ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi\r",
        "HandStandPushups/v_HandStandPushups_g02_c03.avi\r", ""));
    Files.write(lists.resolve("trainlist02.txt"), List.of("ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi 1"));
    Files.write(lists.resolve("testlist02.txt"), List.of("ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi"));
    return root;
  }

  @Test
  void ucf101ReadsTheOfficialListsOfTheChosenSplit() throws IOException {
    Path root = ucf101();
    VideoDataset data = VideoDatasets.open(root);
    assertThat(data).isInstanceOf(Ucf101Dataset.class);
    assertThat(data.labels()).containsExactly("ApplyEyeMakeup", "HandstandPushups");
    assertThat(data.clips()).hasSize(4);
    VideoClip handstand = data.clips().get(3);
    assertThat(handstand.label()).isEqualTo("HandstandPushups");
    assertThat(handstand.split()).isEqualTo("test");
    assertThat(handstand.group()).isEqualTo("g02");
    assertThat(handstand.path()).exists();
    VideoDataset split2 = VideoDatasets.open("ucf101:" + root + ":2");
    assertThat(split2.clips()).extracting(VideoClip::split).containsExactly("train", "test");
    assertThat(split2.clips().get(0).group()).isEqualTo("g01");
    assertThatThrownBy(() -> VideoDatasets.open("ucf101:" + root + ":3")).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("trainlist03.txt");
    assertThatThrownBy(() -> VideoDatasets.open("ucf101:" + root + ":4")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("split must be 1, 2 or 3");
  }

  @Test
  void ucf101ListsNamingMissingFilesOrUnknownClassesFailInOneLine() throws IOException {
    Path root = ucf101();
    Path lists = root.resolve("ucfTrainTestlist");
    Files.write(lists.resolve("trainlist01.txt"), List.of("ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1",
        "ApplyEyeMakeup/v_ApplyEyeMakeup_g09_c01.avi 1", "ApplyEyeMakeup/v_ApplyEyeMakeup_g10_c01.avi 1"));
    assertThatThrownBy(() -> new Ucf101Dataset(root, 1)).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("trainlist01.txt:2 names ApplyEyeMakeup/v_ApplyEyeMakeup_g09_c01.avi")
        .hasMessageContaining("1 more").message().doesNotContain("\n");
    Files.write(lists.resolve("trainlist01.txt"), List.of("Juggling/v_Juggling_g08_c01.avi 3"));
    assertThatThrownBy(() -> new Ucf101Dataset(root, 1)).isInstanceOf(IOException.class)
        .hasMessageContaining("trainlist01.txt:1: unknown class 'Juggling'");
    Files.delete(lists.resolve("classInd.txt"));
    assertThatThrownBy(() -> new Ucf101Dataset(root, 1)).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("classInd.txt");
  }

  private Path hmdb51() throws IOException {
    Path root = tmp.resolve("hmdb");
    Path splits = root.resolve("testTrainMulti_7030_splits");
    Files.createDirectories(splits);
    for (String cls : List.of("wave", "brush_hair")) {
      for (int i = 1; i <= 3; i++) {
        touch(root.resolve("hmdb51_org/" + cls + "/" + cls + "_clip" + i + ".avi"));
      }
      Files.write(splits.resolve(cls + "_test_split1.txt"),
          List.of(cls + "_clip1.avi 1 ", cls + "_clip2.avi 2 ", cls + "_clip3.avi 0 "));
      Files.write(splits.resolve(cls + "_test_split2.txt"),
          List.of(cls + "_clip1.avi 2", cls + "_clip2.avi 1", cls + "_clip3.avi 1"));
    }
    return root;
  }

  @Test
  void hmdb51ReadsTheOfficialSplitFiles() throws IOException {
    Path root = hmdb51();
    VideoDataset data = VideoDatasets.open(root);
    assertThat(data).isInstanceOf(Hmdb51Dataset.class);
    assertThat(data.labels()).containsExactly("brush_hair", "wave");
    assertThat(data.clips()).hasSize(4).extracting(VideoClip::split).containsExactly("train", "test", "train", "test");
    assertThat(data.clips().get(2).path().getFileName().toString()).isEqualTo("wave_clip1.avi");
    assertThat(data.clips().get(0).group()).isNull();
    VideoDataset split2 = VideoDatasets.open("hmdb51:" + root + ":2");
    assertThat(split2.clips()).hasSize(6).extracting(VideoClip::split).containsExactly("test", "train", "train", "test",
        "train", "train");
    Files.write(root.resolve("testTrainMulti_7030_splits/wave_test_split1.txt"), List.of("nope.avi 1"));
    assertThatThrownBy(() -> new Hmdb51Dataset(root, 1)).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("wave_test_split1.txt:1 names nope.avi");
    Files.write(root.resolve("testTrainMulti_7030_splits/kiss_test_split1.txt"), List.of("k.avi 1"));
    assertThatThrownBy(() -> new Hmdb51Dataset(root, 1)).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("no video folder for class 'kiss'");
    assertThatThrownBy(() -> new Hmdb51Dataset(root, 3)).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("_test_split3.txt");
  }

  @Test
  void missingAndUnrecognizedFoldersFailInOneLine() throws IOException {
    assertThatThrownBy(() -> VideoDatasets.open(tmp.resolve("nowhere"))).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("nowhere");
    assertThatThrownBy(() -> VideoDatasets.open("synth:" + tmp.resolve("nothing"))).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("nothing");
    Path junk = Files.createDirectories(tmp.resolve("junk/sub"));
    Files.writeString(junk.resolve("readme.txt"), "x");
    assertThatThrownBy(() -> VideoDatasets.open(tmp.resolve("junk"))).isInstanceOf(IOException.class)
        .hasMessageContaining("cannot tell the data set layout").message().doesNotContain("\n");
    Path synth = Files.createDirectories(tmp.resolve("synth"));
    Files.write(synth.resolve("classInd.txt"), List.of("1 walk"));
    Files.write(synth.resolve("trainlist01.txt"), List.of("walk/walk_g02_c01.avi 1"));
    touch(synth.resolve("walk/walk_g02_c01.avi"));
    assertThatThrownBy(() -> VideoDatasets.open(synth)).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("testlist01.txt");
    Files.write(synth.resolve("testlist01.txt"), List.of());
    assertThat(VideoDatasets.open(synth).clips()).singleElement().satisfies(c -> {
      assertThat(c.group()).isEqualTo("g02");
      assertThat(c.split()).isEqualTo("train");
    });
  }
}
