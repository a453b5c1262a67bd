package io.vibstream.cli;

import ai.djl.ndarray.NDManager;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.data.DataSplit;
import io.vibstream.model.eval.Evaluator;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.training.LstmTraining;
import io.vibstream.model.vib.Compression;
import io.vibstream.model.vib.Pruner;
import io.vibstream.model.vib.VibLstm;
import io.vibstream.model.vib.VibTrainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vibstream train}: an LSTM, or with {@code --vib} a VIB-compressed one, saved as a .vib file. */
@Command(name = "train", mixinStandardHelpOptions = true, description = {
    "Train an LSTM classifier and save it as a .vib model file.",
    "With --vib: baseline, then VIB pruning, then fine-tuning of the pruned model with frozen masks."})
final class TrainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  TrainingOptions options;

  @Option(names = "--vib", description = "compress with VIB masks after the baseline")
  boolean vib;

  @Option(names = "--beta", description = "KL weight of the gate masks (default: ${DEFAULT-VALUE})")
  double beta = 3e-3;

  @Option(names = "--beta-input", description = "KL weight of the input mask (default: same as --beta)")
  Double betaInput;

  @Option(names = "--out", required = true, paramLabel = "FILE.vib", description = "model file to write")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (!out.getFileName().toString().endsWith(".vib")) {
      throw new IllegalArgumentException("--out must name a .vib file, got " + out);
    }
    PrintWriter stdout = spec.commandLine().getOut();
    LstmTraining.Settings settings = options.settings();
    LstmTraining.Data loaded = LstmTraining.load(settings);
    DataSplit data = loaded.data();
    stdout.printf("data: %s: %d train / %d test sequences, T=%d, D=%d, %d classes%n", data.description(),
        data.train().size(), data.test().size(), data.train().timeSteps(), data.train().featureDim(),
        data.train().classNames().size());
    ProgressBar progress = new ProgressBar(System.err);
    double bv = betaInput == null ? beta : betaInput;
    Map<String, Double> metrics = new TreeMap<>();
    CompressedLstm model;
    String training;
    try (NDManager manager = NDManager.newBaseManager();
        VibLstm baseline = VibLstm.plain(manager, data.train().featureDim(), settings.hidden(),
            data.train().classNames().size(), settings.readout(), settings.seed())) {
      VibTrainer.train(baseline, data.train(), settings.baseline(), "baseline", progress);
      CompressedLstm dense = Pruner.prune(baseline);
      double baselineAccuracy = Evaluator.accuracyPercent(dense, data.test());
      stdout.printf("baseline: D=%d H=%d lstm_params=%d accuracy=%.2f%%%n", dense.inputSize(), dense.hiddenSize(),
          dense.lstmParams(), baselineAccuracy);
      training = settings.baseline().epochs() + " baseline epochs";
      model = dense;
      if (vib) {
        Compression.Outcome outcome = Compression.compress(baseline, data.train(), settings.vib().withBetas(beta, bv),
            settings.fineTune(), settings.threshold(), progress);
        model = outcome.model();
        training += String.format(", %d VIB epochs (beta %g, beta_input %g), %d fine-tuning epochs",
            settings.vibEpochs(), beta, bv, settings.fineTuneEpochs());
        metrics.put("baseline_accuracy", baselineAccuracy);
        metrics.put("baseline_lstm_params", (double) dense.lstmParams());
      }
    }
    CompressedLstm saved = loaded.inputs().exported(model);
    double accuracy = Evaluator.accuracyPercent(saved, loaded.raw().test());
    metrics.put("accuracy", accuracy);
    metrics.put("lstm_params", (double) saved.lstmParams());
    ModelArtifacts.write(
        Models.artifact(saved, data, settings.hidden(), metrics, vib ? beta : 0, vib ? bv : 0, training), out);
    stdout.printf("model: D'=%d H'=%d lstm_params=%d classifier_params=%d gate_scales=%d accuracy=%.2f%%%n",
        saved.inputSize(), saved.hiddenSize(), saved.lstmParams(), saved.classifierParams(), saved.gateScaleParams(),
        accuracy);
    stdout.printf("wrote %s%n", out);
    return 0;
  }
}
