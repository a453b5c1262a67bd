package io.vibstream.model.backbone;

import ai.djl.engine.Engine;
import ai.djl.repository.zoo.ZooModel;
import java.nio.file.Path;

/**
 * An ONNX model ({@code model.onnx}) run by DJL's ONNX Runtime engine (CPU natives of ONNX Runtime
 * 1.21.1), with its {@link Preprocessing} from {@code model.json} next to it. The first output,
 * flattened per frame, is the feature vector; the batch dimension of the input must be dynamic
 * for batches above 1. Id: {@code onnx:NAME:SHA12} as for {@link TorchScriptExtractor}.
 */
public final class OnnxExtractor extends DjlExtractor {
  static final String ENGINE = "OnnxRuntime";

  private OnnxExtractor(ZooModel<float[], float[][]> model, Preprocessing preprocessing, String id) {
    super(model, preprocessing, id, -1);
  }

  /**
   * Loads {@code file} and the {@code .json} beside it.
   *
   * @throws BackboneException if either file is missing or invalid
   */
  public static OnnxExtractor open(Path file) {
    // The PyTorch engine must be up before ONNX Runtime's environment is created (stack.md).
    Engine.getEngine(TorchScriptExtractor.ENGINE);
    LoadedFile loaded = loadFile(file, "onnx", ENGINE, "ONNX");
    return new OnnxExtractor(loaded.model(), loaded.preprocessing(), loaded.id());
  }
}
