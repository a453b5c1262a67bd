package io.vibstream.flink.functions;

import io.vibstream.flink.records.RetrainCursor;
import io.vibstream.flink.records.TrainingClip;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.lstm.LstmParams;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.schemas.ModelRelease;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a published candidate becomes: a {@code .vib} artifact whose manifest carries the metrics
 * and lineage, and the {@link ModelRelease} that carries the artifact inline.
 */
final class CandidateRelease {
  private CandidateRelease() {}

  /** Lineage data: which clips, when captured, which backbone. */
  static String dataRange(List<TrainingClip> window, RetrainCursor c) {
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    int validation = 0;
    for (TrainingClip clip : window) {
      from = Math.min(from, clip.startTimestamp());
      to = Math.max(to, clip.endTimestamp());
      validation += clip.validation() ? 1 : 0;
    }
    return String.format(Locale.ROOT, "training-clips #%d..#%d: %d clips (%d training, %d validation) captured "
        + "%s..%s, backbone %s (dimension %d)", c.firstArrival(), c.nextArrival() - 1, window.size(),
        window.size() - validation, validation, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), c.backboneId(),
        c.dimension());
  }

  static ModelArtifact artifact(long version, CandidateTraining.Candidate candidate, RetrainAttempt a, long now) {
    var model = candidate.model();
    int dim = model.featureDim();
    Map<String, Double> metrics = new TreeMap<>();
    metrics.put("accuracy", candidate.accuracy());
    metrics.put("lstm_params", (double) model.lstmParams());
    metrics.put("compression_ratio",
        LstmParams.count(dim, candidate.originalHidden()) / (double) model.lstmParams());
    metrics.put("training_clips", (double) a.data().train().size());
    metrics.put("validation_clips", (double) a.data().validation().size());
    metrics.put("training_ms", (double) candidate.millis());
    if (candidate.parentAccuracy() != null) {
      metrics.put("parent_accuracy", candidate.parentAccuracy());
      metrics.put("parent_lstm_params", a.parentParams().doubleValue());
    }
    ModelManifest manifest = new ModelManifest(ModelManifest.formatVersionFor(model), version,
        Instant.ofEpochSecond(now / 1000).toString(), a.data().labels(),
        new ModelManifest.Backbone(a.backboneId(), dim), a.clipLength(), model.inputDeltas(), model.readout(),
        model.keptInputs(),
        model.hiddenSize(), model.inputWidth(), candidate.originalHidden(), metrics,
        new ModelManifest.Lineage(a.parentVersion(), a.dataRange(), candidate.beta(), candidate.betaInput(),
            candidate.training()));
    return new ModelArtifact(manifest, model);
  }

  /**
   * A release of the artifact, as {@code vibstream models publish} writes one: signed by
   * {@code signer}, unsigned if it is null.
   */
  static ModelRelease release(long version, byte[] bytes, long now, ReleaseSigner signer) {
    ModelManifest m = ModelArtifacts.fromBytes(bytes, "candidate v" + version).manifest();
    return ModelReleases.inline(version, bytes, m, Instant.ofEpochMilli(now), signer);
  }
}
