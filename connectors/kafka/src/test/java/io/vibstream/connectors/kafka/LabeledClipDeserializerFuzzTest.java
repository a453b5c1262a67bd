package io.vibstream.connectors.kafka;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vibstream.schemas.LabeledClip;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the {@link LabeledClip} deserializer (the retrain job's clips input)
 * with Jazzer (docs/fuzzing.md), seeded with a clip of features and a clip of encoded frames.
 */
class LabeledClipDeserializerFuzzTest {
  private static final AvroFuzzing<LabeledClip> FUZZING = new AvroFuzzing<>(LabeledClip.class);

  static Stream<byte[]> labeledClipRecord() {
    AvroSerializer<LabeledClip> serializer = new AvroSerializer<>();
    LabeledClip features = LabeledClip.newBuilder().setCameraId("cam-1")
        .setStartTimestamp(Instant.ofEpochMilli(1_700_000_000_000L)).setEndTimestamp(Instant.ofEpochMilli(1_700_000_001_000L))
        .setLabel("walk").setFeatureDim(3).setFeatures(List.of(0.5f, -1f, 2f, 0f, 1e-3f, 7f)).setFrames(null)
        .setBackboneId("builtin-cnn-v1:0123456789ab").build();
    LabeledClip frames = LabeledClip.newBuilder(features).setFeatures(null).setBackboneId(null)
        .setFrames(List.of(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xd9}),
            ByteBuffer.wrap(new byte[] {1, 2, 3})))
        .build();
    return Stream.of(serializer.serialize("clips", features), serializer.serialize("clips", frames));
  }

  @MethodSource
  @FuzzTest
  void labeledClipRecord(byte[] input) {
    FUZZING.deserializeOrRefuse(input);
  }
}
