package io.vibstream.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.schemas.Frame;
import io.vibstream.schemas.LabeledClip;
import io.vibstream.schemas.ModelRelease;
import java.io.ByteArrayOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Hostile Avro records: lengths, counts and indices beyond the record's own bytes are refused by
 * {@link AvroDeserializer} with one line before Avro allocates for them (without the check each of
 * these small records ends in an OutOfMemoryError).
 */
class AvroLimitsTest {
  private static final long HUGE = Integer.MAX_VALUE - 9;

  @Test
  void aStringLongerThanTheRecordIsRefused() {
    byte[] frame = record(2).varint(HUGE).zeros(10).bytes();
    assertRefused(Frame.class, frame, "corrupt Avro data (schema v2, 16 bytes): a string of 2147483638 bytes at "
        + "byte 1, but only 10 remain");
  }

  @Test
  void bytesLongerThanTheRecordAreRefused() {
    byte[] release = record(1).varint(1).varint(1).varint(HUGE).zeros(8).bytes();
    assertRefused(ModelRelease.class, release, "corrupt Avro data (schema v1, 16 bytes): a bytes value of 2147483638 "
        + "bytes at byte 3, but only 8 remain");
  }

  @Test
  void anArrayOfMoreItemsThanTheRecordHoldsIsRefused() {
    Bytes clip = record(1).string("c").varint(0).varint(0).string("walk").varint(4).varint(1);
    byte[] count = clip.copy().varint(HUGE).zeros(8).bytes();
    assertRefused(LabeledClip.class, count, "an array block of 2147483638 items at byte 12, but only 8 bytes remain "
        + "(each item takes at least 4)");
    byte[] size = clip.copy().varint(-3).varint(HUGE).zeros(12).bytes();
    assertRefused(LabeledClip.class, size, "an array block of 2147483638 bytes at byte 12, but only 12 remain");
  }

  @Test
  void aMapOfMoreEntriesThanTheRecordHoldsIsRefused() {
    byte[] release = record(1).varint(1).varint(0).varint(0).string("s").varint(0).varint(HUGE).zeros(8).bytes();
    assertRefused(ModelRelease.class, release, "a map block of 2147483638 items at byte 7, but only 8 bytes remain "
        + "(each item takes at least 9)");
  }

  @Test
  void enumAndUnionIndicesOutOfRangeAreRefused() {
    Bytes frame = record(2).string("c").varint(0).varint(0).varint(1).varint(1);
    assertRefused(Frame.class, frame.copy().varint(9).bytes(), "enum ImageEncoding symbol 9 at byte 7 is not one of the 4");
    assertRefused(Frame.class, frame.copy().varint(0).string("x").varint(7).bytes(),
        "union branch 7 at byte 10 is not one of the 2");
  }

  @Test
  void overlongAndTruncatedVarintsAreRefused() {
    Bytes overlong = record(2);
    for (int i = 0; i < 11; i++) {
      overlong.raw(0xff);
    }
    assertRefused(Frame.class, overlong.bytes(), "a string length at byte 1 is longer than 10 bytes");
    assertRefused(Frame.class, record(2).string("c").raw(0x80).bytes(), "truncated: a long at byte 3 runs past the end");
  }

  @Test
  void nestingAndZeroByteItemsAreBounded() throws AvroBounds.Refused {
    Schema list = new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"Node\", \"fields\": ["
        + "{\"name\": \"next\", \"type\": [\"null\", \"Node\"]}]}");
    Bytes deep = new Bytes();
    for (int i = 0; i < 100; i++) {
      deep.varint(1);
    }
    byte[] hundred = deep.varint(0).bytes();
    assertThatThrownBy(() -> AvroBounds.check(list, hundred, 0, hundred.length))
        .isInstanceOf(AvroBounds.Refused.class).hasMessage("nested deeper than 64 levels");
    byte[] ten = new Bytes().varint(1).varint(1).varint(1).varint(0).bytes();
    AvroBounds.check(list, ten, 0, ten.length);

    Schema nulls = new Schema.Parser().parse("{\"type\": \"array\", \"items\": \"null\"}");
    byte[] many = new Bytes().varint(1 << 20).varint(0).bytes();
    assertThatThrownBy(() -> AvroBounds.check(nulls, many, 0, many.length))
        .isInstanceOf(AvroBounds.Refused.class)
        .hasMessage("an array of more than 65536 items of zero bytes at byte 0");
  }

  private static Bytes record(int version) {
    return new Bytes().raw(version);
  }

  private static <T extends SpecificRecord> void assertRefused(Class<T> type, byte[] bytes, String reason) {
    assertThatThrownBy(() -> new AvroDeserializer<>(type).deserialize("in", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("cannot deserialize " + type.getSimpleName() + " from topic 'in': corrupt Avro data")
        .hasMessageContaining(reason)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  /** Avro binary encoding by hand: zig-zag varints, strings, raw bytes. */
  private static final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes raw(int b) {
      out.write(b);
      return this;
    }

    Bytes varint(long value) {
      long n = (value << 1) ^ (value >> 63);
      while ((n & ~0x7fL) != 0) {
        out.write((int) ((n & 0x7f) | 0x80));
        n >>>= 7;
      }
      out.write((int) n);
      return this;
    }

    Bytes string(String s) {
      byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      varint(utf8.length);
      out.writeBytes(utf8);
      return this;
    }

    Bytes zeros(int n) {
      out.writeBytes(new byte[n]);
      return this;
    }

    Bytes copy() {
      Bytes copy = new Bytes();
      copy.out.writeBytes(out.toByteArray());
      return copy;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
