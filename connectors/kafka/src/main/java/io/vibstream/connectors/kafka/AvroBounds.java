package io.vibstream.connectors.kafka;

import java.util.List;
import org.apache.avro.Schema;

/**
 * Walks a binary-encoded Avro datum along its writer schema before Avro decodes it, and refuses
 * it with a one-line reason when a length or count says more than the bytes that remain: a
 * string, bytes or fixed value, an array or map block, a union branch or enum index out of range,
 * a varint longer than its type allows, or nesting deeper than {@value #MAX_DEPTH}.
 *
 * <p>Why: Avro 1.12.0's decoder allocates what a length says before it reads the bytes, so a
 * 20-byte record that declares a string of 2^31 - 9 bytes or an array of that many items ends in
 * an {@link OutOfMemoryError}. Avro's own limits ({@code org.apache.avro.limits.bytes.maxLength},
 * {@code ...string.maxLength}, {@code ...collectionItems.maxLength}) are system properties read
 * once for the whole JVM and default to 2^31 - 9; they cannot be set per reader, and a limit
 * that fits frames would not fit features. After this walk every allocation of the decoder is
 * bounded by the record's own size (an array item takes at least one byte; items that take none,
 * such as nulls, are capped at {@value #MAX_EMPTY_ITEMS} per record).
 */
final class AvroBounds {
  /** The deepest nesting of records, arrays, maps and unions walked. */
  static final int MAX_DEPTH = 64;
  /** The most array or map items of zero encoded bytes (e.g. nulls) in one record. */
  static final int MAX_EMPTY_ITEMS = 1 << 16;

  private final byte[] data;
  private final int end;
  private int pos;
  private long emptyItems;

  private AvroBounds(byte[] data, int offset, int length) {
    this.data = data;
    this.pos = offset;
    this.end = offset + length;
  }

  /**
   * Checks the datum of {@code writer} in {@code data[offset, offset + length)}; bytes after it
   * are left for the decoder to report.
   *
   * @throws Refused with the first length, count or index that does not fit, and where
   */
  static void check(Schema writer, byte[] data, int offset, int length) throws Refused {
    new AvroBounds(data, offset, length).datum(writer, 0);
  }

  /** A datum whose encoding does not fit its bytes; the message is one line. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private void datum(Schema schema, int depth) throws Refused {
    if (depth > MAX_DEPTH) {
      throw new Refused("nested deeper than " + MAX_DEPTH + " levels");
    }
    switch (schema.getType()) {
      case NULL -> { }
      case BOOLEAN -> skip(1, "a boolean");
      case INT -> varint(5, "an int");
      case LONG -> varint(10, "a long");
      case FLOAT -> skip(4, "a float");
      case DOUBLE -> skip(8, "a double");
      case STRING -> skip(length("a string"), "a string");
      case BYTES -> skip(length("a bytes value"), "a bytes value");
      case FIXED -> skip(schema.getFixedSize(), "a fixed " + schema.getName());
      case ENUM -> index(schema.getEnumSymbols().size(), "enum " + schema.getName() + " symbol");
      case UNION -> {
        List<Schema> branches = schema.getTypes();
        datum(branches.get(index(branches.size(), "union branch")), depth + 1);
      }
      case ARRAY -> blocks(schema.getElementType(), false, depth);
      case MAP -> blocks(schema.getValueType(), true, depth);
      case RECORD -> {
        for (Schema.Field field : schema.getFields()) {
          datum(field.schema(), depth + 1);
        }
      }
    }
  }

  /** Array or map blocks: a count (negative: followed by the block's size in bytes), then the items; 0 ends. */
  private void blocks(Schema item, boolean map, int depth) throws Refused {
    String what = map ? "a map" : "an array";
    long least = map ? 1 + leastBytes(item, 0) : leastBytes(item, 0);
    while (true) {
      int at = pos;
      long count = varint(10, what + " block count");
      if (count == 0) {
        return;
      }
      if (count < 0) {
        if (count == Long.MIN_VALUE) {
          throw new Refused(what + " block count " + count + " at byte " + at);
        }
        count = -count;
        long size = varint(10, what + " block size");
        if (size < 0 || size > remaining()) {
          throw new Refused(what + " block of " + size + " bytes at byte " + at + ", but only " + remaining() + " remain");
        }
      }
      if (least == 0) {
        emptyItems += count;
        if (emptyItems > MAX_EMPTY_ITEMS) {
          throw new Refused(what + " of more than " + MAX_EMPTY_ITEMS + " items of zero bytes at byte " + at);
        }
      } else if (count > remaining() / least) {
        throw new Refused(what + " block of " + count + " items at byte " + at + ", but only " + remaining()
            + " bytes remain (each item takes at least " + least + ")");
      }
      long width = map ? -1 : fixedWidth(item);
      if (width >= 0) {
        skip(count * width, what + " block");
        continue;
      }
      for (long i = 0; i < count; i++) {
        if (map) {
          skip(length("a map key"), "a map key");
        }
        datum(item, depth + 1);
      }
    }
  }

  /** The encoded size of every datum of {@code schema} if they all have the same (floats, doubles, fixed, null), else -1. */
  private static long fixedWidth(Schema schema) {
    return switch (schema.getType()) {
      case NULL -> 0;
      case FLOAT -> 4;
      case DOUBLE -> 8;
      case FIXED -> schema.getFixedSize();
      default -> -1;
    };
  }

  /** The fewest bytes a datum of {@code schema} encodes to. */
  private static long leastBytes(Schema schema, int depth) {
    if (depth > MAX_DEPTH) {
      return 0;
    }
    return switch (schema.getType()) {
      case NULL -> 0;
      case BOOLEAN, INT, LONG, STRING, BYTES, ENUM, UNION, ARRAY, MAP -> 1;
      case FLOAT -> 4;
      case DOUBLE -> 8;
      case FIXED -> schema.getFixedSize();
      case RECORD -> schema.getFields().stream().mapToLong(f -> leastBytes(f.schema(), depth + 1)).sum();
    };
  }

  /** A string, bytes or map key length: non-negative and within the remaining bytes. */
  private int length(String what) throws Refused {
    int at = pos;
    long length = varint(10, what + " length");
    if (length < 0 || length > remaining()) {
      throw new Refused(what + " of " + length + " bytes at byte " + at + ", but only " + remaining() + " remain");
    }
    return (int) length;
  }

  /** An enum symbol or union branch index in {@code [0, size)}. */
  private int index(int size, String what) throws Refused {
    int at = pos;
    long index = varint(5, what);
    if (index < 0 || index >= size) {
      throw new Refused(what + " " + index + " at byte " + at + " is not one of the " + size);
    }
    return (int) index;
  }

  /** A zig-zag varint of at most {@code maxBytes} bytes, decoded. */
  private long varint(int maxBytes, String what) throws Refused {
    int at = pos;
    long raw = 0;
    for (int i = 0; i < maxBytes; i++) {
      if (pos >= end) {
        throw new Refused("truncated: " + what + " at byte " + at + " runs past the end");
      }
      int b = data[pos++] & 0xff;
      raw |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new Refused(what + " at byte " + at + " is longer than " + maxBytes + " bytes");
  }

  private void skip(long bytes, String what) throws Refused {
    if (bytes > remaining()) {
      throw new Refused("truncated: " + what + " at byte " + pos + " needs " + bytes + " bytes, " + remaining()
          + " remain");
    }
    pos += (int) bytes;
  }

  private int remaining() {
    return end - pos;
  }
}
