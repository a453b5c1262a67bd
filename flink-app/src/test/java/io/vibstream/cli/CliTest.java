package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
