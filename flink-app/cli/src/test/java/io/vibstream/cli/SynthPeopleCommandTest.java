package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.model.data.DataSplit;
import io.vibstream.model.data.FeatureSequences;
import io.vibstream.model.pose.PersonFeatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthPeopleCommandTest {
  @TempDir
  Path tmp;

  @Test
  void writesAFeatureDataSetOfThirteenClassesWithHeldOutTestClips() throws Exception {
    Path out = tmp.resolve("people");
    Cli cli = Cli.run("synth-people", "--out", out.toString(), "--clips-per-class", "4", "--seed", "3", "--frames",
        "12", "--fps", "8:30");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.err()).contains("100% 52/52 clips");
    assertThat(cli.lastLine()).startsWith("wrote 52 clips (39 train, 13 test) of 13 classes, 12 frames of 53 features");

    FeatureSequences.Info info = FeatureSequences.readInfo(out);
    assertThat(info.backboneId()).isEqualTo(PersonFeatures.ID);
    assertThat(info.dimension()).isEqualTo(PersonFeatures.DIMENSION);
    assertThat(info.labels()).hasSize(13).startsWith("walk").endsWith("jumping_jack", "idle");
    assertThat(info.trainClips()).isEqualTo(39);
    assertThat(info.testClips()).isEqualTo(13);

    List<FeatureSequences.StoredClip> clips = FeatureSequences.clips(out);
    assertThat(clips).hasSize(52);
    for (String label : info.labels()) {
      assertThat(clips.stream().filter(c -> c.label().equals(label) && c.split().equals("test"))).hasSize(1);
      assertThat(clips.stream().filter(c -> c.label().equals(label) && c.split().equals("train"))).hasSize(3);
    }
    for (FeatureSequences.StoredClip c : clips) {
      assertThat(c.frames()).hasNumberOfRows(12);
      assertThat(c.frames()[0]).hasSize(53);
      assertThat(c.source()).contains("elev", "heading", "fps");
    }
    DataSplit data = FeatureSequences.read(out, 12);
    assertThat(data.train().size()).isEqualTo(39);

    // Same seed, same data.
    Path again = tmp.resolve("again");
    assertThat(Cli.run("synth-people", "--out", again.toString(), "--clips-per-class", "4", "--seed", "3",
        "--frames", "12", "--fps", "8:30").exitCode()).isZero();
    assertThat(Files.readAllBytes(again.resolve("clips/00017.safetensors")))
        .isEqualTo(Files.readAllBytes(out.resolve("clips/00017.safetensors")));
  }

  @Test
  void badFlagsFailInOneLine() throws Exception {
    Cli fps = Cli.run("synth-people", "--out", tmp.resolve("a").toString(), "--clips-per-class", "2", "--seed", "1",
        "--fps", "fast");
    assertThat(fps.exitCode()).isEqualTo(1);
    assertThat(fps.err().strip()).doesNotContain("\n").contains("--fps must be a rate or MIN:MAX");
    Cli clips = Cli.run("synth-people", "--out", tmp.resolve("b").toString(), "--clips-per-class", "0", "--seed", "1");
    assertThat(clips.exitCode()).isEqualTo(1);
    assertThat(clips.err().strip()).doesNotContain("\n").contains("--clips-per-class must be >= 1");
    Path existing = tmp.resolve("c");
    Files.createDirectories(existing);
    Files.writeString(existing.resolve("dataset.json"), "{}");
    Cli twice = Cli.run("synth-people", "--out", existing.toString(), "--clips-per-class", "1", "--seed", "1");
    assertThat(twice.exitCode()).isEqualTo(1);
    assertThat(twice.err().strip()).doesNotContain("\n").contains("already holds a dataset.json");
  }
}
