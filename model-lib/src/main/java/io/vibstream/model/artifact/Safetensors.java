package io.vibstream.model.artifact;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vibstream.model.io.FormatException;
import io.vibstream.model.io.JsonFields;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reader and writer of the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format, for dtypes {@code F32} and {@code I32}.
 *
 * <p>Layout: a u64 little-endian header length {@code n}; {@code n} bytes of UTF-8 JSON
 * {@code {"NAME": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {"key": "value"}}} (the metadata entry is optional); then the data buffer, in
 * which each tensor occupies bytes {@code [begin, end)} as little-endian values in row-major
 * order. The tensors cover the buffer exactly, without gaps or overlaps. The writer pads the
 * header with spaces to a multiple of 8 bytes, as the reference implementation does.
 */
public final class Safetensors {
  private static final String METADATA = "__metadata__";
  private static final int ELEMENT_BYTES = 4;

  private Safetensors() {}

  /** Element types this implementation reads and writes; both are 4 bytes wide. */
  public enum Dtype {
    /** IEEE 754 single precision float. */
    F32,
    /** Two's complement 32-bit signed integer. */
    I32
  }

  /** An immutable tensor: a dtype, a shape and row-major values. */
  public static final class Tensor {
    private final Dtype dtype;
    private final long[] shape;
    private final float[] floats;
    private final int[] ints;

    private Tensor(Dtype dtype, long[] shape, float[] floats, int[] ints) {
      this.dtype = dtype;
      this.shape = shape;
      this.floats = floats;
      this.ints = ints;
    }

    /** An F32 tensor of {@code shape} holding a copy of {@code data}. */
    public static Tensor f32(float[] data, long... shape) {
      checkSize(data.length, shape);
      return new Tensor(Dtype.F32, shape.clone(), data.clone(), null);
    }

    /** An I32 tensor of {@code shape} holding a copy of {@code data}. */
    public static Tensor i32(int[] data, long... shape) {
      checkSize(data.length, shape);
      return new Tensor(Dtype.I32, shape.clone(), null, data.clone());
    }

    /** The element type. */
    public Dtype dtype() {
      return dtype;
    }

    /** A copy of the shape; empty for a scalar. */
    public long[] shape() {
      return shape.clone();
    }

    /** Number of elements, the product of the shape. */
    public int size() {
      return dtype == Dtype.F32 ? floats.length : ints.length;
    }

    /** A copy of the values of an F32 tensor. */
    public float[] floats() {
      if (dtype != Dtype.F32) {
        throw new IllegalStateException("tensor has dtype " + dtype + ", not F32");
      }
      return floats.clone();
    }

    /** A copy of the values of an I32 tensor. */
    public int[] ints() {
      if (dtype != Dtype.I32) {
        throw new IllegalStateException("tensor has dtype " + dtype + ", not I32");
      }
      return ints.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape)
          && Arrays.equals(floats, t.floats) && Arrays.equals(ints, t.ints);
    }

    @Override
    public int hashCode() {
      return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(floats), Arrays.hashCode(ints));
    }

    @Override
    public String toString() {
      return dtype + Arrays.toString(shape);
    }

    private static void checkSize(int length, long[] shape) {
      long count = 1;
      for (long dim : shape) {
        if (dim < 0 || dim > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("invalid dimension in shape " + Arrays.toString(shape));
        }
        count = Math.min(count * dim, Integer.MAX_VALUE + 1L);
      }
      if (count != length) {
        throw new IllegalArgumentException(length + " values do not fill shape " + Arrays.toString(shape));
      }
    }
  }

  /** The tensors of a file in header order, and its string metadata (empty if it had none). */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    public Contents {
      tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
      metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
  }

  /**
   * Serializes {@code tensors}, laid out in the map's iteration order, with optional string
   * {@code metadata} (written only when non-empty).
   */
  public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
    ObjectNode header = JsonNodeFactory.instance.objectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject(METADATA);
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
      if (entry.getKey().equals(METADATA)) {
        throw new IllegalArgumentException("'" + METADATA + "' is reserved and cannot name a tensor");
      }
      Tensor tensor = entry.getValue();
      long bytes = (long) tensor.size() * ELEMENT_BYTES;
      ObjectNode spec = header.putObject(entry.getKey());
      spec.put("dtype", tensor.dtype.name());
      ArrayNode shape = spec.putArray("shape");
      for (long dim : tensor.shape) {
        shape.add(dim);
      }
      spec.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JsonFields.toBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    long total = 8L + padded + offset;
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("tensors too large for one byte array: " + total + " bytes");
    }
    ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(padded).put(json);
    for (int i = json.length; i < padded; i++) {
      out.put((byte) ' ');
    }
    for (Tensor tensor : tensors.values()) {
      if (tensor.dtype == Dtype.F32) {
        out.asFloatBuffer().put(tensor.floats);
      } else {
        out.asIntBuffer().put(tensor.ints);
      }
      out.position(out.position() + tensor.size() * ELEMENT_BYTES);
    }
    return out.array();
  }

  /** Parses a whole safetensors file; see {@link #fromBytes(byte[], int, int)}. */
  public static Contents fromBytes(byte[] bytes) {
    return fromBytes(bytes, 0, bytes.length);
  }

  /**
   * Parses the safetensors content in {@code bytes[offset, offset + length)}.
   *
   * @throws FormatException naming the first problem found: header length outside the content,
   *     malformed JSON, a missing or mistyped field, an unknown dtype, data offsets out of range,
   *     a byte length that does not match the shape, gaps or overlaps between tensors
   */
  public static Contents fromBytes(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (length < 8) {
      throw new FormatException("truncated: " + length + " bytes, but the header length field alone needs 8");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, length).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = in.getLong(offset);
    if (headerLength < 0 || headerLength > length - 8) {
      throw new FormatException("header length " + Long.toUnsignedString(headerLength) + " exceeds the "
          + (length - 8) + " bytes that follow it");
    }
    if (headerLength == 0 || bytes[offset + 8] != '{') {
      throw new FormatException("header does not start with '{'");
    }
    JsonFields header = JsonFields.parse(bytes, offset + 8, (int) headerLength, "header JSON");
    int dataStart = offset + 8 + (int) headerLength;
    long dataLength = length - 8 - headerLength;

    Map<String, String> metadata = header.has(METADATA) ? header.stringMap(METADATA) : Map.of();
    List<Entry> entries = new ArrayList<>();
    for (String name : header.names()) {
      if (!name.equals(METADATA)) {
        entries.add(entry(name, header.object(name), dataLength));
      }
    }
    checkCoverage(entries, dataLength);

    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Entry e : entries) {
      ByteBuffer data = ByteBuffer.wrap(bytes, dataStart + (int) e.begin, (int) (e.end - e.begin))
          .slice().order(ByteOrder.LITTLE_ENDIAN);
      int count = (int) (e.end - e.begin) / ELEMENT_BYTES;
      if (e.dtype == Dtype.F32) {
        float[] values = new float[count];
        data.asFloatBuffer().get(values);
        tensors.put(e.name, new Tensor(Dtype.F32, e.shape, values, null));
      } else {
        int[] values = new int[count];
        data.asIntBuffer().get(values);
        tensors.put(e.name, new Tensor(Dtype.I32, e.shape, null, values));
      }
    }
    return new Contents(tensors, metadata);
  }

  private record Entry(String name, Dtype dtype, long[] shape, long begin, long end) {}

  private static Entry entry(String name, JsonFields spec, long dataLength) {
    String dtypeName = spec.string("dtype");
    Dtype dtype = Arrays.stream(Dtype.values()).filter(d -> d.name().equals(dtypeName)).findFirst()
        .orElseThrow(() -> new FormatException("tensor '" + name + "': unsupported dtype '" + dtypeName
            + "' (supported: F32, I32)"));
    long[] shape = spec.longs("shape");
    long count = 1;
    for (long dim : shape) {
      if (dim < 0 || dim > Integer.MAX_VALUE) {
        throw new FormatException("tensor '" + name + "': dimension outside [0, 2^31 - 1] in shape "
            + Arrays.toString(shape));
      }
      try {
        count = Math.multiplyExact(count, dim);
      } catch (ArithmeticException overflow) {
        throw new FormatException("tensor '" + name + "': shape " + Arrays.toString(shape) + " is too large");
      }
    }
    long[] offsets = spec.longs("data_offsets");
    if (offsets.length != 2) {
      throw new FormatException("tensor '" + name + "': data_offsets must hold 2 values, found "
          + Arrays.toString(offsets));
    }
    long begin = offsets[0];
    long end = offsets[1];
    if (begin < 0 || end < begin || end > dataLength) {
      throw new FormatException("tensor '" + name + "': data_offsets " + Arrays.toString(offsets)
          + " out of range for the " + dataLength + "-byte data buffer");
    }
    long span = end - begin;
    if (span % ELEMENT_BYTES != 0 || count != span / ELEMENT_BYTES) {
      throw new FormatException("tensor '" + name + "': " + dtype + " " + Arrays.toString(shape) + " needs "
          + count + " x " + ELEMENT_BYTES + " bytes, but data_offsets span " + span);
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  private static void checkCoverage(List<Entry> entries, long dataLength) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long cursor = 0;
    String previous = null;
    for (Entry e : sorted) {
      if (e.begin < cursor) {
        throw new FormatException("tensor '" + e.name + "' overlaps tensor '" + previous + "' (bytes "
            + e.begin + ".." + cursor + ")");
      }
      if (e.begin > cursor) {
        throw new FormatException("data buffer has a gap: bytes " + cursor + ".." + e.begin
            + " belong to no tensor");
      }
      cursor = e.end;
      previous = e.name;
    }
    if (cursor != dataLength) {
      throw new FormatException("data buffer has " + (dataLength - cursor) + " bytes after the last tensor");
    }
  }
}
