package io.vibstream.model.pose;

import java.nio.file.Path;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.TfLiteIntArray;
import org.bytedeco.tensorflowlite.TfLiteTensor;

/**
 * One float32 TFLite model with its interpreter: the builtin op resolver with its default delegates
 * (XNNPACK, 10-15x faster than without on these models), one thread. The model, resolver and
 * builder stay referenced as long as the interpreter lives because the interpreter points into
 * their native memory. Not thread-safe.
 */
final class TfLiteModel implements AutoCloseable {
  private final FlatBufferModel model;
  private final BuiltinOpResolver resolver;
  private final InterpreterBuilder builder;
  private final Interpreter interpreter;
  private boolean closed;

  /** Loads {@code file} (already verified by {@link PoseModels}) and allocates its tensors. */
  TfLiteModel(Path file) {
    model = FlatBufferModel.BuildFromFile(file.toString());
    if (model == null || model.isNull()) {
      throw new IllegalStateException("TFLite could not load " + file);
    }
    resolver = new BuiltinOpResolver();
    builder = new InterpreterBuilder(model, resolver);
    builder.SetNumThreads(1);
    interpreter = new Interpreter((org.bytedeco.javacpp.Pointer) null);
    if (builder.apply(interpreter) != 0 || interpreter.isNull()) {
      close();
      throw new IllegalStateException("TFLite could not build an interpreter for " + file);
    }
    if (interpreter.AllocateTensors() != 0) {
      close();
      throw new IllegalStateException("TFLite could not allocate tensors for " + file);
    }
  }

  /** The float data of input {@code index}. */
  FloatPointer input(int index) {
    return interpreter.typed_input_tensor_float(index);
  }

  /** The float data of output {@code index}. */
  FloatPointer output(int index) {
    return interpreter.typed_output_tensor_float(index);
  }

  /** Shape of input {@code index}. */
  int[] inputShape(int index) {
    return shape(interpreter.input_tensor(index));
  }

  /** Shape of output {@code index}. */
  int[] outputShape(int index) {
    return shape(interpreter.output_tensor(index));
  }

  void invoke() {
    if (interpreter.Invoke() != 0) {
      throw new IllegalStateException("TFLite Invoke failed");
    }
  }

  private static int[] shape(TfLiteTensor tensor) {
    TfLiteIntArray dims = tensor.dims();
    int[] out = new int[dims.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = dims.data(i);
    }
    return out;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    interpreter.close();
    builder.close();
    resolver.close();
    model.close();
  }
}
