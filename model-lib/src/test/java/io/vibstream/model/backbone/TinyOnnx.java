package io.vibstream.model.backbone;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a real ONNX model by hand (protobuf wire format, no ONNX library): input [N, 3, S, S],
 * Conv 3x3 with padding 1 to C channels (given weights and bias), Relu, GlobalAveragePool, Flatten
 * to [N, C]. {@link #reference} computes the same in plain Java.
 */
final class TinyOnnx {
  private TinyOnnx() {}

  static void write(Path file, int size, float[] weight, float[] bias) throws IOException {
    int c = bias.length;
    Proto graph = new Proto()
        .message(1, node(new String[] {"input", "W", "B"}, "conv", "Conv",
            new Proto().string(1, "kernel_shape").varint(20, 7).varint(8, 3).varint(8, 3),
            new Proto().string(1, "pads").varint(20, 7).varint(8, 1).varint(8, 1).varint(8, 1).varint(8, 1)))
        .message(1, node(new String[] {"conv"}, "relu", "Relu"))
        .message(1, node(new String[] {"relu"}, "gap", "GlobalAveragePool"))
        .message(1, node(new String[] {"gap"}, "output", "Flatten", new Proto().string(1, "axis").varint(20, 2)
            .varint(3, 1)))
        .string(2, "tiny")
        .message(5, tensor("W", weight, c, 3, 3, 3))
        .message(5, tensor("B", bias, c))
        .message(11, valueInfo("input", "N", 3, size, size))
        .message(12, valueInfo("output", "N", c));
    Proto model = new Proto()
        .varint(1, 7)
        .string(2, "vibstream-test")
        .message(7, graph)
        .message(8, new Proto().string(1, "").varint(2, 13));
    Files.write(file, model.bytes());
  }

  /** Conv 3x3 pad 1 + ReLU + global mean, for one CHW image. */
  static float[] reference(float[] chw, int size, float[] weight, float[] bias) {
    int c = bias.length;
    float[] out = new float[c];
    for (int o = 0; o < c; o++) {
      double sum = 0;
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          double v = bias[o];
          for (int i = 0; i < 3; i++) {
            for (int ky = 0; ky < 3; ky++) {
              for (int kx = 0; kx < 3; kx++) {
                int yy = y + ky - 1;
                int xx = x + kx - 1;
                if (yy >= 0 && yy < size && xx >= 0 && xx < size) {
                  v += weight[((o * 3 + i) * 3 + ky) * 3 + kx] * chw[(i * size + yy) * size + xx];
                }
              }
            }
          }
          sum += Math.max(0, v);
        }
      }
      out[o] = (float) (sum / (size * size));
    }
    return out;
  }

  private static Proto node(String[] inputs, String output, String op, Proto... attributes) {
    Proto node = new Proto();
    for (String in : inputs) {
      node.string(1, in);
    }
    node.string(2, output).string(3, output).string(4, op);
    for (Proto a : attributes) {
      node.message(5, a);
    }
    return node;
  }

  private static Proto tensor(String name, float[] data, long... dims) {
    Proto t = new Proto();
    for (long d : dims) {
      t.varint(1, d);
    }
    ByteBuffer raw = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : data) {
      raw.putFloat(v);
    }
    return t.varint(2, 1).string(8, name).bytes(9, raw.array());
  }

  /** A float tensor value; the first dimension symbolic. */
  private static Proto valueInfo(String name, String batch, long... dims) {
    Proto shape = new Proto().message(1, new Proto().string(2, batch));
    for (long d : dims) {
      shape.message(1, new Proto().varint(1, d));
    }
    Proto tensorType = new Proto().varint(1, 1).message(2, shape);
    return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
  }

  /** A protobuf message under construction. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long value) {
      raw((long) field << 3);
      raw(value);
      return this;
    }

    Proto bytes(int field, byte[] value) {
      raw((long) field << 3 | 2);
      raw(value.length);
      out.writeBytes(value);
      return this;
    }

    Proto string(int field, String value) {
      return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto value) {
      return bytes(field, value.bytes());
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private void raw(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }
  }
}
