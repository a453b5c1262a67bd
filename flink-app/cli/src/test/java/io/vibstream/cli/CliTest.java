package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.lstm.Readout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir
  static Path tmp;

  static Path data;

  @BeforeAll
  static void data() throws IOException {
    data = TinyIdx.write(tmp.resolve("idx"), 600, 300, 11);
  }

  @Test
  void paramsPrintsThePapersCountOnTheLastLine() {
    assertThat(Cli.run("params", "--input", "2048", "--hidden", "2048").lastLine()).isEqualTo("33570816");
    assertThat(Cli.run("params", "--input", "2048", "--hidden", "8").lastLine()).isEqualTo("65856");
    assertThat(Cli.run("params", "--input", "96", "--hidden", "512").lastLine()).isEqualTo("1249280");
  }

  @Test
  void trainCompressesAndEvaluateReadsTheModelBack() {
    Path model = tmp.resolve("tiny.vib");
    Cli train = Cli.run("train", "--data", "idx:" + data, "--hidden", "24", "--epochs", "6", "--batch-size", "32",
        "--lr", "1e-2", "--vib", "--beta", "3e-3", "--vib-epochs", "3", "--mask-lr", "2e-2", "--out", model.toString());
    assertThat(train.exitCode()).as(train.err()).isZero();
    assertThat(model).exists();
    Cli evaluate = Cli.run("evaluate", "--model", model.toString(), "--data", "idx:" + data);
    assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
    double accuracy = Double.parseDouble(evaluate.lastLine().replace("accuracy=", ""));
    assertThat(accuracy).as("chance is 33%%").isGreaterThan(85);
  }

  @Test
  void trainWithDeltasLearnsFromVelocityAndSavesAModelOfRawFeatures() throws IOException {
    Path features = VelocityFeatures.write(tmp.resolve("velocity"), 80, 30, 5);
    String spec = "features:" + features + ":" + VelocityFeatures.FRAMES;
    Path model = tmp.resolve("deltas.vib");
    Cli train = Cli.run("train", "--data", spec, "--deltas", "--standardize", "--hidden", "8", "--epochs", "6",
        "--batch-size", "16", "--lr", "1e-2", "--vib", "--beta", "1e-3", "--vib-epochs", "1", "--finetune-epochs", "2",
        "--out", model.toString());
    assertThat(train.exitCode()).as(train.err()).isZero();
    assertThat(train.out()).contains("with input deltas");
    Matcher trained = Pattern.compile("model: .* accuracy=([0-9.]+)%").matcher(train.out());
    assertThat(trained.find()).as(train.out()).isTrue();
    double accuracy = Double.parseDouble(trained.group(1));
    assertThat(accuracy).as("chance is 33%%").isGreaterThan(80);

    ModelArtifact artifact = ModelArtifacts.read(model);
    assertThat(artifact.manifest().formatVersion()).isEqualTo(2);
    assertThat(artifact.manifest().input()).isEqualTo("features+deltas");
    assertThat(artifact.manifest().backbone().dimension()).isEqualTo(VelocityFeatures.DIMENSION);
    assertThat(artifact.manifest().originalInputSize()).isEqualTo(2 * VelocityFeatures.DIMENSION);
    assertThat(artifact.model().featureDim()).isEqualTo(VelocityFeatures.DIMENSION);

    Cli evaluate = Cli.run("evaluate", "--model", model.toString(), "--data", spec);
    assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
    assertThat(evaluate.out()).contains("input features+deltas, D'=");
    assertThat(evaluate.lastLine()).isEqualTo("accuracy=" + trained.group(1));
  }

  @Test
  void sweepWithDeltasResumesFromItsBaselineOnlyWithDeltas() throws IOException {
    Path features = VelocityFeatures.write(tmp.resolve("velocity-sweep"), 20, 10, 6);
    String spec = "features:" + features + ":" + VelocityFeatures.FRAMES;
    Path out = tmp.resolve("sweep-deltas");
    Cli sweep = Cli.run("sweep", "--data", spec, "--deltas", "--standardize", "--hidden", "6", "--betas", "3e-3",
        "--epochs", "2", "--batch-size", "16", "--lr", "1e-2", "--out", out.toString());
    assertThat(sweep.exitCode()).as(sweep.err()).isZero();
    List<String> csv = Files.readAllLines(out.resolve("table.csv"));
    assertThat(csv.get(1)).startsWith("baseline,12,6,");
    Path baseline = out.resolve("models/baseline.vib");
    assertThat(ModelArtifacts.read(baseline).model().inputDeltas()).isTrue();
    assertThat(ModelArtifacts.read(out.resolve("models/scratch.vib")).model().inputDeltas()).isTrue();

    Cli resumed = Cli.run("sweep", "--data", spec, "--deltas", "--standardize", "--hidden", "6", "--betas", "3e-3",
        "--epochs", "2", "--batch-size", "16", "--lr", "1e-2", "--out", tmp.resolve("sweep-deltas-again").toString(),
        "--baseline", baseline.toString());
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(Files.readAllLines(tmp.resolve("sweep-deltas-again/table.csv")).get(1))
        .as("the loaded baseline scores as before").isEqualTo(csv.get(1));

    Cli withoutDeltas = Cli.run("sweep", "--data", spec, "--standardize", "--hidden", "6", "--betas", "3e-3",
        "--epochs", "1", "--out", tmp.resolve("never").toString(), "--baseline", baseline.toString());
    assertThat(withoutDeltas.exitCode()).isEqualTo(1);
    assertThat(withoutDeltas.err().strip()).contains("the model reads input deltas: add --deltas").doesNotContain("\n");
    assertThat(Cli.run("help", "train").out()).contains("--deltas");
  }

  @Test
  void sweepWithTheMeanReadoutSavesMeanReadoutModelsAndKeepsItsBaselineToThem() throws IOException {
    Path features = VelocityFeatures.write(tmp.resolve("velocity-mean"), 20, 10, 8);
    String spec = "features:" + features + ":" + VelocityFeatures.FRAMES;
    Path out = tmp.resolve("sweep-mean");
    Cli sweep = Cli.run("sweep", "--data", spec, "--deltas", "--standardize", "--readout", "mean", "--hidden", "6",
        "--betas", "3e-3", "--epochs", "2", "--batch-size", "16", "--lr", "1e-2", "--out", out.toString());
    assertThat(sweep.exitCode()).as(sweep.err()).isZero();
    for (String name : List.of("baseline", "vib-beta0.003", "scratch")) {
      ModelArtifact artifact = ModelArtifacts.read(out.resolve("models/" + name + ".vib"));
      assertThat(artifact.model().readout()).as(name).isEqualTo(Readout.MEAN);
      assertThat(artifact.manifest().formatVersion()).as(name).isEqualTo(3);
    }
    Cli evaluate = Cli.run("evaluate", "--model", out.resolve("models/baseline.vib").toString(), "--data", spec);
    assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
    assertThat(evaluate.out()).contains("readout mean");
    assertThat(Files.readString(out.resolve("table.md"))).contains("(every model with the mean readout)");
    assertThat(Files.readAllLines(out.resolve("table.csv")).get(1))
        .as("the saved baseline scores as in the sweep")
        .endsWith("," + evaluate.lastLine().substring("accuracy=".length()));

    Cli lastReadout = Cli.run("sweep", "--data", spec, "--deltas", "--standardize", "--hidden", "6", "--betas", "3e-3",
        "--epochs", "1", "--out", tmp.resolve("never").toString(), "--baseline", out.resolve("models/baseline.vib")
            .toString());
    assertThat(lastReadout.exitCode()).isEqualTo(1);
    assertThat(lastReadout.err().strip()).contains("the mean readout; the sweep needs").doesNotContain("\n");
    Cli bad = Cli.run("train", "--data", spec, "--readout", "max", "--out", tmp.resolve("never.vib").toString());
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err().strip()).contains("readout must be 'last' or 'mean', got 'max'").doesNotContain("\n");
  }

  @Test
  void mirrorAddsMirrorImagesOfTheTrainingClipsAndRejectsABadPermutation() throws IOException {
    Path features = VelocityFeatures.write(tmp.resolve("velocity-mirror"), 20, 10, 7);
    Cli train = Cli.run("train", "--data", "features:" + features + ":" + VelocityFeatures.FRAMES, "--mirror", "same",
        "--hidden", "6", "--epochs", "1", "--batch-size", "16", "--out", tmp.resolve("mirror.vib").toString());
    assertThat(train.exitCode()).as(train.err()).isZero();
    assertThat(train.out()).contains("(training clips and their mirror images)");

    Cli twice = Cli.run("train", "--data", "features:" + features + ":" + VelocityFeatures.FRAMES, "--mirror", "1,1",
        "--hidden", "6", "--epochs", "1", "--out", tmp.resolve("never.vib").toString());
    assertThat(twice.err().strip()).isEqualTo("vibstream: error: mirror permutation '1,1' names joint 1 twice");
  }

  @Test
  void everyCommandPrintsItsUsageWithHelp() {
    for (String command : Vibstream.commandLine().getSubcommands().keySet()) {
      if (command.equals("help")) {
        continue;
      }
      Cli help = Cli.run(command, "--help");
      assertThat(help.exitCode()).as(command + ": " + help.err()).isZero();
      assertThat(help.out()).as(command).startsWith("Usage: vibstream " + command);
    }
  }

  @Test
  void sweepWritesTableMarkdownAndPlot() throws IOException {
    Path out = tmp.resolve("sweep");
    Cli sweep = Cli.run("sweep", "--data", "idx:" + data, "--hidden", "16", "--betas", "1e-3,5e-3", "--epochs", "3",
        "--batch-size", "32", "--lr", "1e-2", "--mask-lr", "2e-2", "--max-train", "450", "--out", out.toString());
    assertThat(sweep.exitCode()).as(sweep.err()).isZero();
    List<String> csv = Files.readAllLines(out.resolve("table.csv"));
    assertThat(csv.get(0)).isEqualTo("model,input_size,hidden_size,lstm_params,accuracy");
    assertThat(csv).hasSize(5);
    assertThat(csv.get(1)).startsWith("baseline,12,16,");
    assertThat(csv.get(2)).startsWith("vib");
    assertThat(csv.get(3)).startsWith("vib");
    assertThat(csv.get(4)).startsWith("scratch,");
    for (String row : csv.subList(1, csv.size())) {
      String[] cells = row.split(",");
      int d = Integer.parseInt(cells[1]);
      int h = Integer.parseInt(cells[2]);
      assertThat(Long.parseLong(cells[3])).isEqualTo(4L * (d * h + h * h + 2L * h));
      assertThat(Double.parseDouble(cells[4])).isBetween(0.0, 100.0);
    }
    assertThat(Files.readString(out.resolve("table.md"))).contains("| Model | Input size | Hidden size | LSTM params");
    byte[] png = Files.readAllBytes(out.resolve("plot.png"));
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    assertThat(out.resolve("models/baseline.vib")).exists();

    Path again = tmp.resolve("sweep-again");
    Cli resumed = Cli.run("sweep", "--data", "idx:" + data, "--hidden", "16", "--betas", "3e-3", "--epochs", "3",
        "--batch-size", "32", "--lr", "1e-2", "--mask-lr", "2e-2", "--max-train", "450", "--out", again.toString(),
        "--baseline", out.resolve("models/baseline.vib").toString());
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    List<String> csv2 = Files.readAllLines(again.resolve("table.csv"));
    assertThat(csv2.get(1)).as("the loaded baseline scores as before").isEqualTo(csv.get(1));
    assertThat(Files.readString(again.resolve("table.md"))).contains("| 3 epochs (loaded) |");

    Cli wrongSize = Cli.run("sweep", "--data", "idx:" + data, "--hidden", "8", "--betas", "3e-3", "--epochs", "1",
        "--out", tmp.resolve("never").toString(), "--baseline", out.resolve("models/baseline.vib").toString());
    assertThat(wrongSize.exitCode()).isEqualTo(1);
    assertThat(wrongSize.err().strip()).contains("the given baseline is 12x16").doesNotContain("\n");
  }

  @Test
  void wrongPathsAndFlagsSayWhatIsWrongInOneLine() {
    Cli missingModel = Cli.run("evaluate", "--model", tmp.resolve("nope.vib").toString(), "--data", "idx:" + data);
    assertThat(missingModel.exitCode()).isEqualTo(1);
    assertThat(missingModel.err().strip()).doesNotContain("\n").contains("nope.vib");

    Cli missingData = Cli.run("train", "--data", "idx:" + tmp.resolve("nowhere"), "--hidden", "8", "--out",
        tmp.resolve("x.vib").toString());
    assertThat(missingData.exitCode()).isEqualTo(1);
    assertThat(missingData.err().strip()).doesNotContain("\n").contains("nowhere");

    Cli badScheme = Cli.run("train", "--data", "csv:" + data, "--hidden", "8", "--out", tmp.resolve("x.vib").toString());
    assertThat(badScheme.err().strip()).doesNotContain("\n").contains("unknown scheme");

    Cli badFlag = Cli.run("params", "--input", "4", "--hidden", "4", "--bogus");
    assertThat(badFlag.exitCode()).isEqualTo(2);
    assertThat(badFlag.err().strip()).doesNotContain("\n").contains("--bogus");

    Cli notANumber = Cli.run("params", "--input", "four", "--hidden", "4");
    assertThat(notANumber.err().strip()).doesNotContain("\n").contains("four");
  }
}
