package io.vibstream.cli;

import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.data.DataSpec;
import io.vibstream.model.data.DataSplit;
import io.vibstream.model.eval.Evaluator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vibstream evaluate}: test-split accuracy of a .vib model. */
@Command(name = "evaluate", description = "Accuracy of a .vib model on the test split; the last line is accuracy=PCT.")
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
    out.printf("model: %s version %d, D'=%d of %d, H'=%d, lstm_params=%d, trained on %s%n", model, manifest.version(),
        artifact.model().inputSize(), artifact.model().featureDim(), artifact.model().hiddenSize(),
        artifact.model().lstmParams(), manifest.lineage().data());
    out.printf("data: %s, %d test sequences%n", split.description(), split.test().size());
    out.printf("accuracy=%.2f%n", Evaluator.accuracyPercent(artifact.model(), split.test()));
    return 0;
  }
}
