package io.vibstream.cli;

import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.data.DataSplit;
import io.vibstream.model.experiment.Sweep;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.Readout;
import io.vibstream.model.training.LstmTraining;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vibstream sweep}: accuracy against LSTM size for several betas, as table and plot. */
@Command(name = "sweep", mixinStandardHelpOptions = true, description = {
    "Train the uncompressed baseline, one VIB-compressed model per beta and a same-size LSTM from scratch;",
    "write DIR/table.csv, DIR/table.md, DIR/plot.png and every model under DIR/models/."})
final class SweepCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  TrainingOptions options;

  @Option(names = "--betas", required = true, split = ",", paramLabel = "B1,B2,...", description = "gate KL weights")
  List<Double> betas;

  @Option(names = "--beta-input-ratio", description = "beta_input = ratio * beta (default: ${DEFAULT-VALUE})")
  double betaInputRatio = 1;

  @Option(names = "--tolerance", description = "accuracy points a compressed row may lose and still count (default: ${DEFAULT-VALUE})")
  double tolerance = 1;

  @Option(names = "--distill", paramLabel = "W", description = "fine-tune the compressed rows and train the "
      + "control on (1 - W) x the labels + W x the baseline's softened outputs (knowledge distillation; default: "
      + "${DEFAULT-VALUE}, off)")
  double distill = 0;

  @Option(names = "--distill-temperature", paramLabel = "T", description = "temperature of the baseline's softened "
      + "outputs (default: ${DEFAULT-VALUE})")
  double distillTemperature = 4;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
  Path out;

  @Option(names = "--baseline", paramLabel = "FILE.vib",
      description = "start from this trained baseline (e.g. DIR/models/baseline.vib of an earlier sweep on the same data) instead of training one; --epochs should say how many epochs it had")
  Path baseline;

  @Override
  public Integer call() throws Exception {
    for (double beta : betas) {
      if (!(beta > 0)) {
        throw new IllegalArgumentException("--betas must all be > 0, got " + beta);
      }
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
    }
    PrintWriter stdout = spec.commandLine().getOut();
    LstmTraining.Settings training = options.settings();
    LstmTraining.Data loaded = LstmTraining.load(training);
    DataSplit data = loaded.data();
    stdout.printf("data: %s: %d train / %d test sequences, T=%d, D=%d%n", data.description(), data.train().size(),
        data.test().size(), data.train().timeSteps(), data.train().featureDim());
    Sweep.Settings settings = new Sweep.Settings(training.hidden(), betas, betaInputRatio, training.baseline(),
        training.vib(), training.fineTune(), training.threshold(), tolerance, distill, distillTemperature,
        training.readout());
    Path models = out.resolve("models");
    Files.createDirectories(models);
    CompressedLstm trainedBaseline = null;
    if (baseline != null) {
      ModelArtifact artifact = ModelArtifacts.read(baseline);
      if (!artifact.manifest().labels().equals(data.train().classNames())
          || !artifact.manifest().backbone().id().equals(data.backboneId())) {
        throw new IllegalArgumentException("--baseline " + baseline + " was trained on other data ("
            + artifact.manifest().lineage().data() + ")");
      }
      if (artifact.model().inputDeltas() != training.deltas()) {
        throw new IllegalArgumentException(artifact.model().inputDeltas() ? "the model reads input deltas: add --deltas"
            : "the model reads no input deltas: drop --deltas");
      }
      trainedBaseline = loaded.inputs().imported(artifact.model());
    }
    Sweep.Result result = Sweep.run(data, settings, trainedBaseline, new ProgressBar(System.err), row -> {
      stdout.printf("%-16s D=%-5d H=%-5d lstm_params=%-9d accuracy=%.2f%%%n", row.model(), row.inputSize(),
          row.hiddenSize(), row.lstmParams(), row.accuracy());
      stdout.flush();
      save(row, loaded, training.hidden(), models.resolve(row.model() + ".vib"));
    });
    SweepReport.write(out, result, data.description()
        + (training.readout() == Readout.MEAN ? " (every model with the mean readout)" : ""));
    Sweep.Row best = result.best();
    stdout.printf("best: %s %.1fx fewer LSTM parameters at %+.2f points vs baseline; scratch control %.2f%%%n",
        best.model(), result.baseline().lstmParams() / (double) best.lstmParams(),
        best.accuracy() - result.baseline().accuracy(), result.scratch().accuracy());
    stdout.printf("wrote %s, %s, %s%n", out.resolve("table.csv"), out.resolve("table.md"), out.resolve("plot.png"));
    return 0;
  }

  private void save(Sweep.Row row, LstmTraining.Data loaded, int hidden, Path file) {
    try {
      double beta = row.beta() == null ? 0 : row.beta();
      ModelArtifacts.write(Models.artifact(loaded.inputs().exported(row.compressed()), loaded.data(), hidden,
          Map.of("accuracy", row.accuracy(), "lstm_params", (double) row.lstmParams()), beta, beta * betaInputRatio,
          row.training()), file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
