package io.vibstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/**
 * The build's backward-compatibility gate: every schema under src/main/avro must read data
 * written with its newest committed previous version under src/compat (NAME.vN.avsc).
 */
class SchemaCompatibilityTest {
  private static final Path CURRENT = Path.of("src/main/avro");
  private static final Path COMPAT = Path.of("src/compat");
  private static final Pattern VERSIONED = Pattern.compile("(\\w+)\\.v(\\d+)\\.avsc");

  @Test
  void everyCurrentSchemaReadsItsPreviousVersion() throws IOException {
    Map<String, Path> previous = newestPrevious();
    List<String> checked = new ArrayList<>();
    try (Stream<Path> files = Files.list(CURRENT)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList()) {
        Schema current = parse(file);
        Path old = previous.get(current.getName());
        assertThat(old).as("no previous version of %s under %s: commit a copy as %s.v1.avsc",
            current.getName(), COMPAT, current.getName()).isNotNull();
        SchemaPairCompatibility result = readerCanRead(current, parse(old));
        assertThat(result.getType())
            .as("%s cannot read data written with %s: %s", file, old, result.getResult().getIncompatibilities())
            .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        checked.add(current.getName());
      }
    }
    assertThat(checked).containsExactlyInAnyOrder("Frame", "ActionEvent", "ModelRelease", "LabeledClip",
        "ModelStatus", "RetrainStatus");
  }

  @Test
  void generatedClassesMatchTheSchemaFiles() throws IOException {
    assertThat(form(Frame.getClassSchema())).isEqualTo(form(parse(CURRENT.resolve("Frame.avsc"))));
    assertThat(form(ActionEvent.getClassSchema())).isEqualTo(form(parse(CURRENT.resolve("ActionEvent.avsc"))));
    assertThat(form(ModelRelease.getClassSchema())).isEqualTo(form(parse(CURRENT.resolve("ModelRelease.avsc"))));
    assertThat(form(LabeledClip.getClassSchema())).isEqualTo(form(parse(CURRENT.resolve("LabeledClip.avsc"))));
    assertThat(form(ModelStatus.getClassSchema())).isEqualTo(form(parse(CURRENT.resolve("ModelStatus.avsc"))));
    assertThat(form(RetrainStatus.getClassSchema())).isEqualTo(form(parse(CURRENT.resolve("RetrainStatus.avsc"))));
  }

  /** Avro's Parsing Canonical Form: what matters for reading and writing (no docs, no properties). */
  private static String form(Schema schema) {
    return SchemaNormalization.toParsingForm(schema);
  }

  @Test
  void aNewFieldWithoutDefaultIsDetected() throws IOException {
    Schema v1 = parse(COMPAT.resolve("Frame.v1.avsc"));
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : v1.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field("exposureMicros", Schema.create(Schema.Type.LONG), "no default", (Object) null));
    Schema v2 = Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false, fields);

    SchemaPairCompatibility result = readerCanRead(v2, v1);

    assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    assertThat(result.getResult().getIncompatibilities().get(0).getMessage()).contains("exposureMicros");
  }

  @Test
  void aChangedFieldTypeIsDetected() throws IOException {
    Schema v1 = parse(COMPAT.resolve("ActionEvent.v1.avsc"));
    Schema v2 = new Schema.Parser().parse(v1.toString().replace("\"name\":\"confidence\",\"type\":\"float\"",
        "\"name\":\"confidence\",\"type\":\"int\""));
    assertThat(v2).isNotEqualTo(v1);
    assertThat(readerCanRead(v2, v1).getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }

  @Test
  void aFrameWrittenWithV1DecodesWithTheCurrentClass() throws IOException {
    Schema v1 = parse(COMPAT.resolve("Frame.v1.avsc"));
    GenericRecord old = new GenericData.Record(v1);
    old.put("cameraId", "cam-1");
    old.put("sequenceNumber", 7L);
    old.put("captureTimestamp", 1_700_000_000_123L);
    old.put("width", 4);
    old.put("height", 2);
    old.put("encoding", new GenericData.EnumSymbol(v1.getField("encoding").schema(), "JPEG"));
    old.put("image", java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
    old.put("groundTruthLabel", null);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
    encoder.flush();

    Frame frame = new SpecificDatumReader<Frame>(v1, Frame.getClassSchema())
        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

    assertThat(frame.getCameraId()).isEqualTo("cam-1");
    assertThat(frame.getSequenceNumber()).isEqualTo(7L);
    assertThat(frame.getCaptureTimestamp().toEpochMilli()).isEqualTo(1_700_000_000_123L);
    assertThat(frame.getEncoding()).isEqualTo(ImageEncoding.JPEG);
  }

  private static SchemaPairCompatibility readerCanRead(Schema reader, Schema writer) {
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
  }

  /** The highest vN file per schema name under src/compat. */
  private static Map<String, Path> newestPrevious() throws IOException {
    Map<String, Path> newest = new TreeMap<>();
    Map<String, Integer> versions = new TreeMap<>();
    try (Stream<Path> files = Files.list(COMPAT)) {
      for (Path file : files.toList()) {
        Matcher m = VERSIONED.matcher(file.getFileName().toString());
        if (m.matches()) {
          int v = Integer.parseInt(m.group(2));
          if (v > versions.getOrDefault(m.group(1), 0)) {
            versions.put(m.group(1), v);
            newest.put(m.group(1), file);
          }
        }
      }
    }
    return newest;
  }

  private static Schema parse(Path file) throws IOException {
    return new Schema.Parser().parse(file.toFile());
  }
}
