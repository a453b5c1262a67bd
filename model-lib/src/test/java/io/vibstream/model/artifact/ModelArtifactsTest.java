package io.vibstream.model.artifact;

import static io.vibstream.model.artifact.ArtifactFixtures.artifact;
import static io.vibstream.model.artifact.ArtifactFixtures.assemble;
import static io.vibstream.model.artifact.ArtifactFixtures.deltasArtifact;
import static io.vibstream.model.artifact.ArtifactFixtures.meanReadoutArtifact;
import static io.vibstream.model.artifact.ArtifactFixtures.split;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vibstream.model.artifact.ArtifactFixtures.Parts;
import io.vibstream.model.artifact.Safetensors.Tensor;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.Readout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArtifactsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private final ModelArtifact original = artifact(3L);
  private final byte[] bytes = ModelArtifacts.toBytes(original);

  @Test
  void roundTripKeepsEveryFieldAndWeightExactly() {
    ModelArtifact loaded = ModelArtifacts.fromBytes(bytes, "memory");

    assertThat(loaded.manifest()).isEqualTo(original.manifest());
    assertSameModel(loaded.model(), original.model());
    assertThat(loaded.manifest().lineage().parentVersion()).isEqualTo(3L);
    assertThat(loaded.manifest().metrics()).containsExactly(Map.entry("accuracy", 0.8125),
        Map.entry("lstm_params", (double) original.model().lstmParams()));
    assertThat(ModelArtifacts.toBytes(loaded)).isEqualTo(bytes);
  }

  @Test
  void ofTakesTheFormatVersionInputSizesAndReadoutFromTheModel() {
    for (ModelArtifact a : List.of(artifact(3L), deltasArtifact(), meanReadoutArtifact())) {
      ModelManifest m = a.manifest();
      assertThat(ModelManifest.of(a.model(), m.version(), m.createdAt(), m.labels(), m.backbone().id(),
          m.clipLength(), m.originalHiddenSize(), m.metrics(), m.lineage())).isEqualTo(m);
    }
  }

  @Test
  void roundTripWithoutParentVersion() {
    ModelArtifact root = artifact(null);
    ModelArtifact loaded = ModelArtifacts.fromBytes(ModelArtifacts.toBytes(root), "memory");
    assertThat(loaded.manifest()).isEqualTo(root.manifest());
    assertThat(loaded.manifest().lineage().parentVersion()).isNull();
  }

  @Test
  void aDeltasModelRoundTripsAsFormatVersion2() {
    ModelArtifact deltas = deltasArtifact();
    byte[] vib = ModelArtifacts.toBytes(deltas);
    Parts parts = split(vib);
    assertThat(parts.formatVersion()).isEqualTo(2);
    assertThat(new String(parts.manifest(), StandardCharsets.UTF_8))
        .startsWith("{\"formatVersion\":2,").contains("\"clipLength\":16,\"input\":\"features+deltas\",");

    ModelArtifact loaded = ModelArtifacts.fromBytes(vib, "memory");
    assertThat(loaded.manifest()).isEqualTo(deltas.manifest());
    assertThat(loaded.manifest().input()).isEqualTo("features+deltas");
    assertThat(loaded.manifest().inputWidth()).isEqualTo(10);
    assertSameModel(loaded.model(), deltas.model());
    assertThat(loaded.model().inputDeltas()).isTrue();
    assertThat(ModelArtifacts.toBytes(loaded)).isEqualTo(vib);
  }

  @Test
  void aMeanReadoutModelRoundTripsAsFormatVersion3() {
    ModelArtifact mean = meanReadoutArtifact();
    byte[] vib = ModelArtifacts.toBytes(mean);
    Parts parts = split(vib);
    assertThat(parts.formatVersion()).isEqualTo(3);
    assertThat(new String(parts.manifest(), StandardCharsets.UTF_8))
        .startsWith("{\"formatVersion\":3,").contains("\"input\":\"features+deltas\",\"readout\":\"mean\",");

    ModelArtifact loaded = ModelArtifacts.fromBytes(vib, "memory");
    assertThat(loaded.manifest()).isEqualTo(mean.manifest());
    assertThat(loaded.model().readout()).isEqualTo(Readout.MEAN);
    assertSameModel(loaded.model(), mean.model());
    assertThat(ModelArtifacts.toBytes(loaded)).isEqualTo(vib);
    // Models of the last readout keep their older format versions, which readers before 3 load.
    assertThat(split(ModelArtifacts.toBytes(deltasArtifact())).manifest()).asString(StandardCharsets.UTF_8)
        .doesNotContain("readout");
  }

  @Test
  void inconsistentReadoutFieldsWithValidChecksum() {
    byte[] mean = ModelArtifacts.toBytes(meanReadoutArtifact());
    assertProblem(withManifest(mean, 2, m -> m.put("formatVersion", 2)),
        "invalid manifest: readout 'mean' needs formatVersion >= 3, got 2");
    assertProblem(withManifest(mean, 3, m -> m.put("readout", "max")),
        "invalid manifest: field 'readout' must be 'last' or 'mean', found 'max'");
    ModelArtifact withoutField = ModelArtifacts.fromBytes(withManifest(mean, 3, m -> m.remove("readout")), "memory");
    assertThat(withoutField.model().readout()).isEqualTo(Readout.LAST);
  }

  @Test
  void aPlainModelIsWrittenAsVersion1WithoutTheInputFieldAndReadsAsFeatures() {
    assertThat(split(bytes).formatVersion()).isEqualTo(1);
    assertThat(new String(split(bytes).manifest(), StandardCharsets.UTF_8)).doesNotContain("\"input\"");
    ModelArtifact loaded = ModelArtifacts.fromBytes(bytes, "memory");
    assertThat(loaded.manifest().inputDeltas()).isFalse();
    assertThat(loaded.manifest().input()).isEqualTo("features");
    assertThat(loaded.model().inputDeltas()).isFalse();

    byte[] version2 = withManifest(bytes, 2, m -> m.put("formatVersion", 2).put("input", "features"));
    ModelArtifact plain2 = ModelArtifacts.fromBytes(version2, "memory");
    assertThat(plain2.manifest().formatVersion()).isEqualTo(2);
    assertThat(plain2.model().inputDeltas()).isFalse();
  }

  @Test
  void inconsistentInputFieldsWithValidChecksum() {
    byte[] deltas = ModelArtifacts.toBytes(deltasArtifact());
    assertProblem(withManifest(deltas, 1, m -> m.put("formatVersion", 1)),
        "invalid manifest: input 'features+deltas' needs formatVersion >= 2, got 1");
    assertProblem(withManifest(deltas, 2, m -> m.remove("input")),
        "invalid manifest: keptInputs must be ascending indices in [0, 5), found 6 after 3");
    assertProblem(withManifest(deltas, 2, m -> m.put("input", "deltas")),
        "invalid manifest: field 'input' must be 'features' or 'features+deltas', found 'deltas'");
    assertProblem(withManifest(deltas, 2, m -> m.putArray("keptInputs").add(0).add(3).add(6).add(10)),
        "invalid manifest: keptInputs must be ascending indices in [0, 10), found 10 after 6");
    assertProblem(withManifest(deltas, 2, m -> m.put("originalInputSize", 5)),
        "invalid manifest: originalInputSize 5 must equal 2 x backbone.dimension 5");
    assertProblem(withManifest(bytes, 1, m -> m.put("input", "features+deltas")),
        "invalid manifest: input 'features+deltas' needs formatVersion >= 2, got 1");
  }

  @Test
  void writesAtomicallyAndReproducibly() throws IOException {
    Path file = dir.resolve("models/m.vib");
    ModelArtifacts.write(original, file);
    String first = ModelArtifacts.sha256Hex(Files.readAllBytes(file));
    ModelArtifacts.write(artifact(3L), file);

    assertThat(ModelArtifacts.sha256Hex(Files.readAllBytes(file))).isEqualTo(first)
        .isEqualTo(ModelArtifacts.sha256Hex(bytes));
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
    ModelArtifact loaded = ModelArtifacts.read(file);
    assertThat(loaded.manifest()).isEqualTo(original.manifest());
    assertSameModel(loaded.model(), original.model());
  }

  @Test
  void layoutStartsWithMagicVersionAndManifest() {
    Parts parts = split(bytes);
    assertThat(new String(bytes, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("VIBLSTM\0");
    assertThat(parts.formatVersion()).isEqualTo(1);
    assertThat(new String(parts.manifest(), StandardCharsets.UTF_8)).startsWith("{\"formatVersion\":1,\"version\":4,");
    assertThat(Safetensors.fromBytes(parts.block()).tensors().keySet())
        .containsExactly("w", "u", "b", "gate_scales", "fc_w", "fc_b");
    assertThat(assemble(parts.formatVersion(), parts.manifest(), parts.block())).isEqualTo(bytes);
  }

  @Test
  void sha256HexIsTheStandardDigest() {
    assertThat(ModelArtifacts.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void missingFile() {
    Path file = dir.resolve("absent.vib");
    assertThatThrownBy(() -> ModelArtifacts.read(file))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessage(file + ": no such file");
  }

  @Test
  void emptyFile() throws IOException {
    Path file = Files.write(dir.resolve("empty.vib"), new byte[0]);
    assertThatThrownBy(() -> ModelArtifacts.read(file))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessage(file + ": truncated: expected at least 56 bytes, found 0");
  }

  @Test
  void truncatedAnywhere() {
    Parts parts = split(bytes);
    int manifestEnd = 16 + parts.manifest().length;
    for (int cut : new int[] {5, 10, 14, 30, manifestEnd - 3, manifestEnd + 4, manifestEnd + 8 + 40,
        bytes.length - 32, bytes.length - 1}) {
      assertProblem(Arrays.copyOf(bytes, cut), "truncated: expected ");
      assertProblem(Arrays.copyOf(bytes, cut), " bytes, found " + cut);
    }
    assertProblem(Arrays.copyOf(bytes, bytes.length - 1),
        "truncated: expected " + bytes.length + " bytes, found " + (bytes.length - 1));
  }

  @Test
  void flippedByteInTensorData() {
    byte[] corrupt = bytes.clone();
    corrupt[corrupt.length - 32 - 5] ^= 0x01;
    assertProblem(corrupt, "corrupt: SHA-256 mismatch");
  }

  @Test
  void flippedByteInManifest() {
    byte[] corrupt = bytes.clone();
    corrupt[16 + 20] ^= 0x01;
    assertProblem(corrupt, "corrupt: SHA-256 mismatch");
  }

  @Test
  void flippedByteInChecksum() {
    byte[] corrupt = bytes.clone();
    corrupt[corrupt.length - 1] ^= 0x01;
    assertProblem(corrupt, "corrupt: SHA-256 mismatch");
  }

  @Test
  void badMagic() {
    byte[] corrupt = bytes.clone();
    corrupt[3] = 'X';
    assertProblem(corrupt, "not a .vib model file (bad magic)");
    assertProblem("PK\3\4 a zip file".getBytes(StandardCharsets.US_ASCII), "not a .vib model file");
  }

  @Test
  void futureFormatVersionWithValidChecksum() {
    Parts parts = split(bytes);
    assertProblem(assemble(4, parts.manifest(), parts.block()),
        "unsupported format version 4 (this reader supports 1 to 3)");
    assertProblem(assemble(0, parts.manifest(), parts.block()),
        "unsupported format version 0 (this reader supports 1 to 3)");
  }

  @Test
  void trailingGarbage() {
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
    assertProblem(longer, "trailing bytes: expected " + bytes.length + " bytes, found " + (bytes.length + 3));
  }

  @Test
  void malformedManifestJsonWithValidChecksum() {
    Parts parts = split(bytes);
    byte[] json = "{\"formatVersion\": 1,".getBytes(StandardCharsets.UTF_8);
    assertProblem(assemble(1, json, parts.block()), "malformed manifest JSON: ");
  }

  @Test
  void manifestWithAMissingFieldWithValidChecksum() {
    assertProblem(withManifest(m -> m.remove("clipLength")), "invalid manifest: missing field 'clipLength'");
    assertProblem(withManifest(m -> ((ObjectNode) m.get("lineage")).remove("beta")),
        "invalid manifest: missing field 'lineage.beta'");
    assertProblem(withManifest(m -> m.put("hiddenSize", "two")),
        "invalid manifest: field 'hiddenSize' must be an integer (32-bit), found \"two\"");
  }

  @Test
  void manifestWithAnInvalidValueWithValidChecksum() {
    assertProblem(withManifest(m -> m.put("createdAt", "yesterday")),
        "invalid manifest: createdAt must be an ISO-8601 date-time");
    assertProblem(withManifest(m -> m.put("formatVersion", 2)),
        "invalid manifest: formatVersion 2 differs from the header's format version 1");
    assertProblem(withManifest(m -> m.putArray("keptInputs").add(2).add(0).add(3)),
        "invalid manifest: keptInputs must be ascending indices in [0, 5), found 0 after 2");
  }

  @Test
  void backboneDimensionTooSmallForKeptInputsWithValidChecksum() {
    assertProblem(withManifest(m -> ((ObjectNode) m.get("backbone")).put("dimension", 3)),
        "invalid manifest: keptInputs must be ascending indices in [0, 3), found 3 after 2");
    assertProblem(withManifest(m -> m.put("originalInputSize", 6)),
        "invalid manifest: originalInputSize 6 must equal backbone.dimension 5");
  }

  @Test
  void wrongLabelCountWithValidChecksum() {
    assertProblem(withManifest(m -> m.withArray("labels").add("jump")),
        "manifest lists 4 labels but the classifier has 3 classes (fc_b shape [3])");
  }

  @Test
  void shapeMismatchWithValidChecksum() {
    assertProblem(withManifest(m -> m.putArray("keptInputs").add(0).add(2)),
        "tensor 'w' has shape [8, 3], the manifest implies [8, 2] (hiddenSize 2, 2 kept inputs, 3 labels)");
    assertProblem(withTensors(t -> t.put("gate_scales", Tensor.f32(new float[6], 2, 3))),
        "tensor 'gate_scales' has shape [2, 3], the manifest implies [3, 2]");
  }

  @Test
  void missingOrUnexpectedTensorWithValidChecksum() {
    assertProblem(withTensors(t -> t.remove("u")), "missing tensor 'u'");
    assertProblem(withTensors(t -> t.put("extra", Tensor.f32(new float[1], 1))), "unexpected tensor 'extra'");
    assertProblem(withTensors(t -> t.put("b", Tensor.i32(new int[8], 8))), "tensor 'b' has dtype I32, expected F32");
  }

  @Test
  void nonFiniteWeightWithValidChecksum() {
    assertProblem(withTensors(t -> {
      float[] u = t.get("u").floats();
      u[5] = Float.NaN;
      t.put("u", Tensor.f32(u, 8, 2));
    }), "tensor 'u' holds a non-finite value (NaN) at index 5");
  }

  @Test
  void malformedTensorBlockWithValidChecksum() {
    Parts parts = split(bytes);
    assertProblem(assemble(1, parts.manifest(), new byte[] {1, 2, 3}), "invalid tensor block: truncated");
  }

  @Test
  void artifactRejectsManifestThatDisagreesWithTheModel() {
    ModelManifest m = original.manifest();
    CompressedLstm model = original.model();
    ModelManifest moreLabels = new ModelManifest(1, 4, m.createdAt(), List.of("a", "b", "c", "d"), m.backbone(),
        16, false, m.keptInputs(), 2, 5, 8, m.metrics(), m.lineage());
    assertThatThrownBy(() -> new ModelArtifact(moreLabels, model))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("manifest lists 4 labels but the model has 3 classes");
    ModelManifest wider = new ModelManifest(1, 4, m.createdAt(), m.labels(), new ModelManifest.Backbone("x", 6), 16,
        false, m.keptInputs(), 2, 6, 8, m.metrics(), m.lineage());
    assertThatThrownBy(() -> new ModelArtifact(wider, model))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backbone dimension 6 differs from the model's feature dimension 5");
    ModelManifest deltas = new ModelManifest(2, 4, m.createdAt(), m.labels(), m.backbone(), 16, true, m.keptInputs(),
        2, 10, 8, m.metrics(), m.lineage());
    assertThatThrownBy(() -> new ModelArtifact(deltas, model))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("manifest input 'features+deltas' differs from the model's (without input deltas)");
  }

  private byte[] withManifest(Consumer<ObjectNode> edit) {
    return withManifest(bytes, 1, edit);
  }

  /** {@code vib} with its manifest edited, under header format version {@code formatVersion}. */
  private static byte[] withManifest(byte[] vib, int formatVersion, Consumer<ObjectNode> edit) {
    Parts parts = split(vib);
    try {
      ObjectNode manifest = (ObjectNode) JSON.readTree(parts.manifest());
      edit.accept(manifest);
      return assemble(formatVersion, JSON.writeValueAsBytes(manifest), parts.block());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private byte[] withTensors(Consumer<Map<String, Tensor>> edit) {
    Parts parts = split(bytes);
    Map<String, Tensor> tensors = new LinkedHashMap<>(Safetensors.fromBytes(parts.block()).tensors());
    edit.accept(tensors);
    return assemble(1, parts.manifest(), Safetensors.toBytes(tensors, Map.of()));
  }

  private static void assertProblem(byte[] vib, String problem) {
    assertThatThrownBy(() -> ModelArtifacts.fromBytes(vib, "topic-0@17"))
        .isInstanceOf(InvalidArtifactException.class)
        .hasMessageStartingWith("topic-0@17: ")
        .hasMessageContaining(problem)
        .satisfies(e -> {
          assertThat(e.getMessage()).doesNotContain("\n");
          assertThat(((InvalidArtifactException) e).source()).isEqualTo("topic-0@17");
        });
  }

  private static void assertSameModel(CompressedLstm actual, CompressedLstm expected) {
    assertThat(actual.featureDim()).isEqualTo(expected.featureDim());
    assertThat(actual.inputDeltas()).isEqualTo(expected.inputDeltas());
    assertThat(actual.keptInputs()).isEqualTo(expected.keptInputs());
    assertThat(actual.hiddenSize()).isEqualTo(expected.hiddenSize());
    assertThat(actual.classes()).isEqualTo(expected.classes());
    assertThat(actual.w()).isEqualTo(expected.w());
    assertThat(actual.u()).isEqualTo(expected.u());
    assertThat(actual.b()).isEqualTo(expected.b());
    assertThat(actual.gateScales()).isEqualTo(expected.gateScales());
    assertThat(actual.fcW()).isEqualTo(expected.fcW());
    assertThat(actual.fcB()).isEqualTo(expected.fcB());
  }
}
