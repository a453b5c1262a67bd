package io.vibstream.local.bench;

import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.backbone.BuiltinCnn;
import io.vibstream.model.backbone.BuiltinCnnTrainer;
import io.vibstream.model.lstm.CompressedLstm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random models for the benches, which measure the plumbing, so what a model predicts does not
 * matter, only its shape and its backbone identity: compressed LSTMs packed as .vib models
 * (labels walk, wave, fall) and an untrained builtin CNN backbone.
 */
public final class SyntheticModels {
  private SyntheticModels() {}

  /** A random model for backbone {@code id}: all {@code dimension} inputs kept, hidden 32, clip {@code clipLength}. */
  public static byte[] random(String id, int dimension, int clipLength) {
    int[] kept = new int[dimension];
    for (int i = 0; i < dimension; i++) {
      kept[i] = i;
    }
    return random(id, dimension, clipLength, kept, 32, 1);
  }

  /** A random model reading the inputs {@code kept} with hidden size {@code hidden}, weights from {@code seed}. */
  public static byte[] random(String id, int dimension, int clipLength, int[] kept, int hidden, long seed) {
    List<String> labels = List.of("walk", "wave", "fall");
    Random r = new Random(seed);
    CompressedLstm model = CompressedLstm.builder().featureDim(dimension).keptInputs(kept).hiddenSize(hidden)
        .classes(labels.size())
        .weights(gaussian(r, 4 * hidden * kept.length), gaussian(r, 4 * hidden * hidden), gaussian(r, 4 * hidden))
        .unitGateScales()
        .classifier(gaussian(r, labels.size() * hidden), gaussian(r, labels.size()))
        .build();
    ModelManifest manifest = new ModelManifest(ModelManifest.formatVersionFor(false), 1, "2026-01-01T00:00:00Z",
        labels, new ModelManifest.Backbone(id, dimension), clipLength, false, kept, hidden, dimension, hidden,
        Map.of(), new ModelManifest.Lineage(null, "bench", 0, 0, "random"));
    return ModelArtifacts.toBytes(new ModelArtifact(manifest, model));
  }

  /** Writes an untrained builtin CNN (default size, labels a, b, c) to {@code file}; returns its backbone spec. */
  public static String untrainedBackbone(Path file) throws IOException {
    BuiltinCnnTrainer.untrained(BuiltinCnn.DEFAULT_SIZE, BuiltinCnn.DEFAULT_CHANNELS, List.of("a", "b", "c"), 1)
        .write(file);
    return "builtin:" + file;
  }

  private static float[] gaussian(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextGaussian() * 0.1);
    }
    return a;
  }
}
