package io.vibstream.connectors.kafka;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vibstream.schemas.Lineage;
import io.vibstream.schemas.ModelRelease;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the {@link ModelRelease} deserializer (the models topic every job
 * reads) with Jazzer (docs/fuzzing.md), seeded with an inline and a referenced release.
 */
class ModelReleaseDeserializerFuzzTest {
  private static final AvroFuzzing<ModelRelease> FUZZING = new AvroFuzzing<>(ModelRelease.class);

  static Stream<byte[]> modelReleaseRecord() {
    AvroSerializer<ModelRelease> serializer = new AvroSerializer<>();
    ModelRelease inline = ModelRelease.newBuilder().setVersion(7)
        .setArtifact(ByteBuffer.wrap("VIBLSTM\0 artifact bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
        .setReference(null).setSha256("ab".repeat(32)).setSignature(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}))
        .setMetrics(Map.of("accuracy", 0.875, "lstm_params", 1234.0))
        .setLineage(Lineage.newBuilder().setParentVersion(6L).setData("features:/data/ucf").setBeta(0.01)
            .setBetaInput(0.001).setTraining("phase1 20 epochs").build())
        .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L)).build();
    ModelRelease referenced = ModelRelease.newBuilder(inline).setArtifact(null).setReference("file:/models/v8.vib")
        .setSignature(null).setMetrics(Map.of()).setLineage(Lineage.newBuilder(inline.getLineage())
            .setParentVersion(null).build())
        .build();
    return Stream.of(serializer.serialize("models", inline), serializer.serialize("models", referenced));
  }

  @MethodSource
  @FuzzTest
  void modelReleaseRecord(byte[] input) {
    FUZZING.deserializeOrRefuse(input);
  }
}
