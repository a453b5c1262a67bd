package io.vibstream.model.release;

import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.lstm.LstmParams;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.model.training.CandidateTraining;
import io.vibstream.model.training.RetrainAttempt;
import io.vibstream.schemas.ModelRelease;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a published candidate becomes: a {@code .vib} artifact whose manifest carries the metrics
 * and lineage, and the {@link ModelRelease} that carries the artifact inline.
 */
public final class CandidateRelease {
  private CandidateRelease() {}

  /** The artifact of {@code candidate} as model {@code version}, created at {@code now} (epoch ms). */
  public static ModelArtifact artifact(long version, CandidateTraining.Candidate candidate, RetrainAttempt a,
      long now) {
    var model = candidate.model();
    Map<String, Double> metrics = new TreeMap<>();
    metrics.put("accuracy", candidate.accuracy());
    metrics.put("lstm_params", (double) model.lstmParams());
    metrics.put("compression_ratio",
        LstmParams.count(model.featureDim(), candidate.originalHidden()) / (double) model.lstmParams());
    metrics.put("training_clips", (double) a.data().train().size());
    metrics.put("validation_clips", (double) a.data().validation().size());
    metrics.put("training_ms", (double) candidate.millis());
    if (candidate.parentAccuracy() != null) {
      metrics.put("parent_accuracy", candidate.parentAccuracy());
      metrics.put("parent_lstm_params", a.parentParams().doubleValue());
    }
    ModelManifest manifest = ModelManifest.of(model, version, Instant.ofEpochSecond(now / 1000).toString(),
        a.data().labels(), a.backboneId(), a.clipLength(), candidate.originalHidden(), metrics,
        new ModelManifest.Lineage(a.parentVersion(), a.dataRange(), candidate.beta(), candidate.betaInput(),
            candidate.training()));
    return new ModelArtifact(manifest, model);
  }

  /**
   * A release of the artifact, as {@code vibstream models publish} writes one: signed by
   * {@code signer}, unsigned if it is null.
   */
  public static ModelRelease release(long version, byte[] bytes, long now, ReleaseSigner signer) {
    ModelManifest m = ModelArtifacts.fromBytes(bytes, "candidate v" + version).manifest();
    return ModelReleases.inline(version, bytes, m, Instant.ofEpochMilli(now), signer);
  }
}
