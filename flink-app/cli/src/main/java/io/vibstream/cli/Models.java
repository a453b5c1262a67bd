package io.vibstream.cli;

import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.data.DataSplit;
import io.vibstream.model.lstm.CompressedLstm;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** Builds model artifacts from what the CLI trained. */
final class Models {
  private Models() {}

  /**
   * An artifact of model version 1 with no parent for a model as saved (reading raw features),
   * trained on {@code data} (whose description goes into the lineage).
   */
  static ModelArtifact artifact(CompressedLstm model, DataSplit data, int originalHidden, Map<String, Double> metrics,
      double beta, double betaInput, String training) {
    ModelManifest manifest = ModelManifest.of(model, 1, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
        data.train().classNames(), data.backboneId(), data.train().timeSteps(), originalHidden, metrics,
        new ModelManifest.Lineage(null, data.description(), beta, betaInput, training));
    return new ModelArtifact(manifest, model);
  }
}
