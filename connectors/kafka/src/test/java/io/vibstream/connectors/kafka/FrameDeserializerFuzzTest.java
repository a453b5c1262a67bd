package io.vibstream.connectors.kafka;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the {@link Frame} deserializer (the job's frames input) with Jazzer
 * (docs/fuzzing.md), seeded with frames of every encoding and a frame of schema version 1.
 */
class FrameDeserializerFuzzTest {
  private static final AvroFuzzing<Frame> FUZZING = new AvroFuzzing<>(Frame.class);

  static Stream<byte[]> frameRecord() {
    AvroSerializer<Frame> serializer = new AvroSerializer<>();
    return Stream.of(
        serializer.serialize("frames", frame(ImageEncoding.JPEG, new byte[] {(byte) 0xff, (byte) 0xd8, 0, (byte) 0xff,
            (byte) 0xd9}, "walk")),
        serializer.serialize("frames", frame(ImageEncoding.RAW_BGR, new byte[] {1, 2, 3, 4, 5, 6}, null)),
        serializer.serialize("frames", frame(ImageEncoding.F32_FEATURES, new byte[12], null)),
        version1());
  }

  @MethodSource
  @FuzzTest
  void frameRecord(byte[] input) {
    FUZZING.deserializeOrRefuse(input);
  }

  private static Frame frame(ImageEncoding encoding, byte[] image, String label) {
    return Frame.newBuilder().setCameraId("cam-1").setSequenceNumber(42)
        .setCaptureTimestamp(Instant.ofEpochMilli(1_700_000_000_000L)).setWidth(2).setHeight(1)
        .setEncoding(encoding).setImage(ByteBuffer.wrap(image)).setGroundTruthLabel(label).build();
  }

  /** A frame as a version 1 producer writes it. */
  private static byte[] version1() {
    Schema v1 = SchemaHistory.classpath().release("Frame", 1).orElseThrow();
    GenericRecord old = new GenericData.Record(v1);
    old.put("cameraId", "old-cam");
    old.put("sequenceNumber", 3L);
    old.put("captureTimestamp", 1_700_000_000_000L);
    old.put("width", 1);
    old.put("height", 1);
    old.put("encoding", new GenericData.EnumSymbol(v1.getField("encoding").schema(), "RAW_BGR"));
    old.put("image", ByteBuffer.wrap(new byte[] {7, 8, 9}));
    old.put("groundTruthLabel", "run");
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(1);
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
