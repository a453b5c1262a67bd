package io.vibstream.model.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.model.artifact.Safetensors.Dtype;
import io.vibstream.model.artifact.Safetensors.Tensor;
import io.vibstream.model.io.FormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafetensorsTest {

  @Test
  void roundTripKeepsTensorsOrderAndMetadata() {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("weights", Tensor.f32(new float[] {1.5f, -0f, Float.MIN_VALUE, -3e38f, 0.1f, 7f}, 2, 3));
    tensors.put("indices", Tensor.i32(new int[] {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}, 4));
    tensors.put("scalar", Tensor.f32(new float[] {42f}));
    tensors.put("empty", Tensor.f32(new float[0], 0, 3));

    byte[] bytes = Safetensors.toBytes(tensors, Map.of("format", "pt"));
    Safetensors.Contents contents = Safetensors.fromBytes(bytes);

    assertThat(contents.tensors()).containsExactlyEntriesOf(tensors);
    assertThat(contents.metadata()).containsExactlyEntriesOf(Map.of("format", "pt"));
    assertThat(contents.tensors().get("indices").dtype()).isEqualTo(Dtype.I32);
    assertThat(contents.tensors().get("weights").shape()).containsExactly(2, 3);
  }

  @Test
  void writesLittleEndianDataAfterASpacePaddedHeader() {
    byte[] bytes = Safetensors.toBytes(Map.of("x", Tensor.f32(new float[] {1f}, 1)), Map.of());
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = (int) in.getLong(0);
    String header = new String(bytes, 8, headerLength, StandardCharsets.UTF_8);

    assertThat(headerLength % 8).isZero();
    assertThat(header.strip()).isEqualTo("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
    assertThat(Arrays.copyOfRange(bytes, 8 + headerLength, bytes.length))
        .containsExactly(0x00, 0x00, 0x80, 0x3F);
  }

  @Test
  void readsHandWrittenFileWithMetadataFirstAndTensorsOutOfOrder() {
    String header = "{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[4,8]},"
        + "\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    byte[] bytes = file(header, 8);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 8, 7).putInt(bytes.length - 4, 9);

    Safetensors.Contents contents = Safetensors.fromBytes(bytes);

    assertThat(contents.tensors().keySet()).containsExactly("b", "a");
    assertThat(contents.tensors().get("a").ints()).containsExactly(7);
    assertThat(contents.tensors().get("b").ints()).containsExactly(9);
  }

  @Test
  void rejectsMalformedHeaders() {
    assertRejected(new byte[4], "truncated: 4 bytes");
    byte[] tooLong = file("{}", 0);
    ByteBuffer.wrap(tooLong).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1000);
    assertRejected(tooLong, "header length 1000 exceeds the 2 bytes that follow it");
    assertRejected(file("[1, 2]", 0), "header does not start with '{'");
    assertRejected(file("{\"x\": ", 0), "malformed header JSON");
    assertRejected(file("{\"x\":1,\"x\":2}", 0), "malformed header JSON: Duplicate field 'x'");
    assertRejected(file("{} []", 0), "malformed header JSON");
    assertRejected(file(tensor("x", "F16", "[1]", "[0,4]"), 4), "tensor 'x': unsupported dtype 'F16'");
    assertRejected(file("{\"x\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "missing field 'x.shape'");
    assertRejected(file(tensor("x", "F32", "[1.5]", "[0,4]"), 4), "field 'x.shape[0]' must be an integer");
    assertRejected(file(tensor("x", "F32", "[-1]", "[0,4]"), 4), "tensor 'x': dimension outside [0, 2^31 - 1] in shape [-1]");
    assertRejected(file(tensor("x", "F32", "[1]", "[0]"), 4), "data_offsets must hold 2 values");
    assertRejected(file(tensor("x", "F32", "[4]", "[0,16]"), 8), "data_offsets [0, 16] out of range for the 8-byte");
    assertRejected(file(tensor("x", "F32", "[3]", "[0,8]"), 8), "F32 [3] needs 3 x 4 bytes, but data_offsets span 8");
    assertRejected(file(tensor("x", "F32", "[1]", "[0,4]"), 8), "data buffer has 4 bytes after the last tensor");
    assertRejected(file("{\"__metadata__\":{\"k\":1}}", 0), "field '__metadata__.k' must be a string");
  }

  @Test
  void rejectsOverlapsAndGaps() {
    String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
    assertRejected(file(overlap, 12), "tensor 'b' overlaps tensor 'a' (bytes 4..8)");
    String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
    assertRejected(file(gap, 12), "data buffer has a gap: bytes 4..8 belong to no tensor");
  }

  @Test
  void rejectsInconsistentTensorsOnWrite() {
    assertThatThrownBy(() -> Tensor.f32(new float[5], 2, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("5 values do not fill shape [2, 3]");
    Map<String, Tensor> reserved = Map.of("__metadata__", Tensor.i32(new int[1], 1));
    assertThatThrownBy(() -> Safetensors.toBytes(reserved, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
    assertThatThrownBy(() -> Tensor.i32(new int[1], 1).floats())
        .isInstanceOf(IllegalStateException.class).hasMessage("tensor has dtype I32, not F32");
  }

  private static String tensor(String name, String dtype, String shape, String offsets) {
    return "{\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";
  }

  /** A safetensors file with the given header text and {@code dataBytes} zero bytes of data. */
  private static byte[] file(String header, int dataBytes) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(json.length).put(json).array();
  }

  private static void assertRejected(byte[] bytes, String message) {
    assertThatThrownBy(() -> Safetensors.fromBytes(bytes))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
