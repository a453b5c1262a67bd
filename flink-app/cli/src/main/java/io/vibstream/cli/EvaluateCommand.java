package io.vibstream.cli;

import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.data.DataSpec;
import io.vibstream.model.data.DataSplit;
import io.vibstream.model.eval.Evaluator;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vibstream evaluate}: test-split confusion matrix and accuracy of a .vib model. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Confusion matrix (rows: true class) and accuracy of a .vib model on the "
    + "test split; the last line is accuracy=PCT.")
final class EvaluateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE.vib", description = "model file")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "SPEC", description = "idx:DIR or features:DIR[:clipLength]")
  String data;

  @Override
  public Integer call() {
    ModelArtifact artifact = ModelArtifacts.read(model);
    ModelManifest manifest = artifact.manifest();
    DataSplit split = DataSpec.load(data);
    if (!split.backboneId().equals(manifest.backbone().id())) {
      throw new IllegalArgumentException("model " + model + " expects features of backbone '" + manifest.backbone().id()
          + "', data " + data + " has '" + split.backboneId() + "'");
    }
    if (!split.test().classNames().equals(manifest.labels())) {
      throw new IllegalArgumentException("model " + model + " has labels " + manifest.labels() + ", data " + data
          + " has " + split.test().classNames());
    }
    var out = spec.commandLine().getOut();
    out.printf("model: %s version %d, input %s, D'=%d of %d, H'=%d, readout %s, lstm_params=%d, trained on %s%n",
        model, manifest.version(), manifest.input(), artifact.model().inputSize(), artifact.model().inputWidth(),
        artifact.model().hiddenSize(), manifest.readout().id(), artifact.model().lstmParams(),
        manifest.lineage().data());
    out.printf("data: %s, %d test sequences%n", split.description(), split.test().size());
    int[][] confusion = Evaluator.confusion(artifact.model(), split.test());
    List<String> labels = manifest.labels();
    int width = Math.max(9, labels.stream().mapToInt(String::length).max().orElse(0));
    out.printf("%-" + width + "s", "true\\pred");
    labels.forEach(label -> out.printf(" %8.8s", label));
    out.printf("  recall%n");
    for (int t = 0; t < labels.size(); t++) {
      out.printf("%-" + width + "s", labels.get(t));
      int row = 0;
      for (int p = 0; p < labels.size(); p++) {
        out.printf(" %8d", confusion[t][p]);
        row += confusion[t][p];
      }
      out.printf("  %5.1f%%%n", row == 0 ? 0 : 100.0 * confusion[t][t] / row);
    }
    out.printf("accuracy=%.2f%n", Evaluator.accuracyPercent(confusion));
    return 0;
  }
}
