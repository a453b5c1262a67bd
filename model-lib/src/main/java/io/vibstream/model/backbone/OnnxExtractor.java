package io.vibstream.model.backbone;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;
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
    FeatureExtractors.requireFile(file);
    Path json = FeatureExtractors.sidecar(file);
    Preprocessing.Described described = Preprocessing.read(json);
    String id = "onnx:" + FeatureExtractors.name(file, described.id()) + ":" + FeatureExtractors.sha12(file);
    // The PyTorch engine must be up before ONNX Runtime's environment is created (stack.md).
    Engine.getEngine(TorchScriptExtractor.ENGINE);
    Criteria<float[], float[][]> criteria = Criteria.builder()
        .setTypes(float[].class, float[][].class)
        .optModelPath(file.toAbsolutePath())
        .optEngine(ENGINE)
        .optDevice(device(ENGINE))
        .optTranslator(translator(described.preprocessing()))
        .build();
    ZooModel<float[], float[][]> model;
    try {
      model = criteria.loadModel();
    } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
      throw new BackboneException(file + ": not a loadable ONNX model: " + BackboneException.firstLine(e), e);
    }
    return new OnnxExtractor(model, described.preprocessing(), id);
  }
}
