package io.vibstream.flink.functions;

import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.runtime.VectorLstmRuntime;
import io.vibstream.schemas.Lineage;
import io.vibstream.schemas.ModelRelease;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Tiny random compressed LSTMs as artifacts and releases, for tests. */
public final class TestModels {
  public static final List<String> LABELS = List.of("walk", "wave", "fall");

  private TestModels() {}

  /** A {@code .vib} artifact: D = dimension, all inputs kept, H = 3, 3 classes. */
  public static byte[] artifact(long version, String backboneId, int dimension, int clipLength, long seed) {
    int[] kept = new int[dimension];
    for (int i = 0; i < dimension; i++) {
      kept[i] = i;
    }
    return artifact(version, backboneId, dimension, clipLength, seed, kept, 3);
  }

  /** A {@code .vib} artifact reading only the inputs {@code kept} of D = dimension, hidden size {@code hidden}. */
  public static byte[] artifact(long version, String backboneId, int dimension, int clipLength, long seed, int[] kept,
      int hidden) {
    return artifact(version, backboneId, dimension, clipLength, seed, false, kept, hidden);
  }

  /** A {@code .vib} artifact with input deltas: D = dimension, every input of u_t (2D) kept, H = 3. */
  public static byte[] deltasArtifact(long version, String backboneId, int dimension, int clipLength, long seed) {
    int[] kept = new int[2 * dimension];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = i;
    }
    return artifact(version, backboneId, dimension, clipLength, seed, true, kept, 3);
  }

  private static byte[] artifact(long version, String backboneId, int dimension, int clipLength, long seed,
      boolean deltas, int[] kept, int hidden) {
    Random r = new Random(seed);
    int d = kept.length;
    CompressedLstm model = CompressedLstm.builder().featureDim(dimension).inputDeltas(deltas).keptInputs(kept)
        .hiddenSize(hidden).classes(LABELS.size())
        .weights(random(r, 4 * hidden * d), random(r, 4 * hidden * hidden), random(r, 4 * hidden))
        .unitGateScales()
        .classifier(random(r, LABELS.size() * hidden), random(r, LABELS.size()))
        .build();
    ModelManifest manifest = new ModelManifest(ModelManifest.formatVersionFor(deltas), version, "2025-06-01T12:00:00Z",
        LABELS, new ModelManifest.Backbone(backboneId, dimension), clipLength, deltas, kept, hidden,
        model.inputWidth(), hidden, Map.of(), new ModelManifest.Lineage(null, "test", 0, 0, "random"));
    return ModelArtifacts.toBytes(new ModelArtifact(manifest, model));
  }

  /** A release of {@code artifact} inline, with its true checksum. */
  public static ModelRelease release(long version, byte[] artifact) {
    return ModelRelease.newBuilder()
        .setVersion(version)
        .setArtifact(ByteBuffer.wrap(artifact))
        .setReference(null)
        .setSha256(ModelArtifacts.sha256Hex(artifact))
        .setSignature(null)
        .setMetrics(Map.of())
        .setLineage(Lineage.newBuilder().setParentVersion(null).setData("test").setBeta(0).setBetaInput(0)
            .setTraining("random").build())
        .setCreatedAt(Instant.parse("2025-06-01T12:00:00Z"))
        .build();
  }

  private static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextGaussian() * 0.5);
    }
    return a;
  }

  /** The top-1 probability {@code model} gives a window of feature vectors, run from a zero state. */
  public static float confidence(ModelArtifact model, List<float[]> window) {
    float[][][] clip = {window.toArray(new float[0][])};
    try (VectorLstmRuntime runtime = new VectorLstmRuntime(model.model())) {
      float[] p = ActionRecognizer.softmax(runtime.logits(clip)[0]);
      float best = 0;
      for (float v : p) {
        best = Math.max(best, v);
      }
      return best;
    }
  }
}
