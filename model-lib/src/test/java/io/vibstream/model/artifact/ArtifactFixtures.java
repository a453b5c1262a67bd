package io.vibstream.model.artifact;

import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.Readout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A small artifact and tools to take .vib bytes apart and put them back together with a valid checksum. */
final class ArtifactFixtures {
  private ArtifactFixtures() {}

  /** D = 5, kept inputs {0, 2, 3}, H' = 2, three classes; weights include -0 and a subnormal. */
  static ModelArtifact artifact(Long parentVersion) {
    int[] kept = {0, 2, 3};
    int h = 2;
    int c = 3;
    Random random = new Random(7);
    float[] w = values(random, 4 * h * kept.length);
    w[0] = -0f;
    w[1] = Float.MIN_VALUE;
    CompressedLstm model = CompressedLstm.builder()
        .featureDim(5)
        .keptInputs(kept)
        .hiddenSize(h)
        .classes(c)
        .weights(w, values(random, 4 * h * h), values(random, 4 * h))
        .gateScales(values(random, 3 * h))
        .classifier(values(random, c * h), values(random, c))
        .build();
    ModelManifest manifest = new ModelManifest(ModelManifest.formatVersionFor(false), 4, "2025-06-01T12:00:00.5Z",
        List.of("walk", "run", "T-shirt/top"), new ModelManifest.Backbone("resnet18-gap", 5), 16, false, kept, h, 5, 8,
        Map.of("accuracy", 0.8125, "lstm_params", (double) model.lstmParams()),
        new ModelManifest.Lineage(parentVersion, "features:/data/ucf", 0.01, 0.001,
            "phase1 20 epochs; phase2 10 epochs"));
    return new ModelArtifact(manifest, model);
  }

  /**
   * The model of {@link #artifact} with input deltas: D = 5, kept inputs {0, 3, 6, 9} of u_t
   * (two features, two differences), format version 2.
   */
  static ModelArtifact deltasArtifact() {
    ModelArtifact plain = artifact(3L);
    int[] kept = {0, 3, 6, 9};
    Random random = new Random(8);
    CompressedLstm model = plain.model().toBuilder().inputDeltas(true).keptInputs(kept)
        .weights(values(random, 4 * 2 * kept.length), plain.model().u(), plain.model().b()).build();
    ModelManifest m = plain.manifest();
    ModelManifest manifest = new ModelManifest(ModelManifest.formatVersionFor(true), m.version(), m.createdAt(),
        m.labels(), m.backbone(), m.clipLength(), true, kept, m.hiddenSize(), 10, m.originalHiddenSize(),
        m.metrics(), m.lineage());
    return new ModelArtifact(manifest, model);
  }

  /** The model of {@link #deltasArtifact} with the mean readout, format version 3. */
  static ModelArtifact meanReadoutArtifact() {
    ModelArtifact deltas = deltasArtifact();
    CompressedLstm model = deltas.model().toBuilder().readout(Readout.MEAN).build();
    ModelManifest m = deltas.manifest();
    ModelManifest manifest = new ModelManifest(ModelManifest.formatVersionFor(model), m.version(), m.createdAt(),
        m.labels(), m.backbone(), m.clipLength(), true, Readout.MEAN, m.keptInputs(), m.hiddenSize(),
        m.originalInputSize(), m.originalHiddenSize(), m.metrics(), m.lineage());
    return new ModelArtifact(manifest, model);
  }

  private static float[] values(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /** The pieces of a .vib file. */
  record Parts(int formatVersion, byte[] manifest, byte[] block) {}

  static Parts split(byte[] vib) {
    ByteBuffer in = ByteBuffer.wrap(vib).order(ByteOrder.LITTLE_ENDIAN);
    int m = in.getInt(12);
    int n = (int) in.getLong(16 + m);
    return new Parts(in.getInt(8), Arrays.copyOfRange(vib, 16, 16 + m),
        Arrays.copyOfRange(vib, 24 + m, 24 + m + n));
  }

  /** A .vib file of the given pieces with a correct SHA-256 trailer. */
  static byte[] assemble(int formatVersion, byte[] manifest, byte[] block) {
    ByteBuffer out = ByteBuffer.allocate(16 + manifest.length + 8 + block.length + 32).order(ByteOrder.LITTLE_ENDIAN);
    out.put("VIBLSTM\0".getBytes(StandardCharsets.US_ASCII));
    out.putInt(formatVersion).putInt(manifest.length).put(manifest).putLong(block.length).put(block);
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(out.array(), 0, out.position());
      out.put(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return out.array();
  }
}
