package io.vibstream.flink.functions;

import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.lstm.CompressedLstm;
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
    int h = 3;
    int[] kept = new int[dimension];
    for (int i = 0; i < dimension; i++) {
      kept[i] = i;
    }
    Random r = new Random(seed);
    CompressedLstm model = CompressedLstm.builder().featureDim(dimension).keptInputs(kept).hiddenSize(h)
        .classes(LABELS.size())
        .weights(random(r, 4 * h * dimension), random(r, 4 * h * h), random(r, 4 * h))
        .unitGateScales()
        .classifier(random(r, LABELS.size() * h), random(r, LABELS.size()))
        .build();
    ModelManifest manifest = new ModelManifest(ModelManifest.CURRENT_FORMAT_VERSION, version, "2025-06-01T12:00:00Z",
        LABELS, new ModelManifest.Backbone(backboneId, dimension), clipLength, kept, h, dimension, h, Map.of(),
        new ModelManifest.Lineage(null, "test", 0, 0, "random"));
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
}
