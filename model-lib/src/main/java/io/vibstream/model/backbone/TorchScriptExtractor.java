package io.vibstream.model.backbone;

import ai.djl.MalformedModelException;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A TorchScript model ({@code model.pt}, saved with {@code torch.jit.save}) run by DJL's PyTorch
 * engine, with its {@link Preprocessing} from {@code model.json} next to it. The model's first
 * output, flattened per frame, is the feature vector (e.g. a ResNet with its fc layer replaced by
 * identity gives 512 features). Id: {@code torchscript:NAME:SHA12}, NAME from the JSON's
 * {@code id} or the file name, SHA12 the first 12 hex digits of the file's SHA-256.
 */
public final class TorchScriptExtractor extends DjlExtractor {
  static final String ENGINE = "PyTorch";

  private TorchScriptExtractor(ZooModel<float[], float[][]> model, Preprocessing preprocessing, String id) {
    super(model, preprocessing, id, -1);
  }

  /**
   * Loads {@code file} and the {@code .json} beside it, on the GPU if PyTorch sees one.
   *
   * @throws BackboneException if either file is missing or invalid
   */
  public static TorchScriptExtractor open(Path file) {
    FeatureExtractors.requireFile(file);
    Path json = FeatureExtractors.sidecar(file);
    Preprocessing.Described described = Preprocessing.read(json);
    String id = "torchscript:" + FeatureExtractors.name(file, described.id()) + ":" + FeatureExtractors.sha12(file);
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
      throw new BackboneException(file + ": not a loadable TorchScript model: " + BackboneException.firstLine(e), e);
    }
    return new TorchScriptExtractor(model, described.preprocessing(), id);
  }
}
