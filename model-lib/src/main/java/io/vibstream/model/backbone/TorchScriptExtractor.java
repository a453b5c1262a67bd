package io.vibstream.model.backbone;

import ai.djl.repository.zoo.ZooModel;
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
    LoadedFile loaded = loadFile(file, "torchscript", ENGINE, "TorchScript");
    return new TorchScriptExtractor(loaded.model(), loaded.preprocessing(), loaded.id());
  }
}
