package io.vibstream.model.backbone;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import java.nio.file.Path;

/**
 * Features of a trained {@link BuiltinCnn} ({@link BuiltinCnnArtifact}): the globally pooled
 * output of the last conv block, {@link BuiltinCnnArtifact#dimension()} values per frame, batch
 * norm in inference mode (so a frame's features do not depend on the rest of its batch). Runs on
 * DJL's PyTorch engine, on the GPU if it sees one.
 */
public final class BuiltinExtractor extends DjlExtractor {
  private final BuiltinCnnArtifact artifact;

  private BuiltinExtractor(Model model, BuiltinCnnArtifact artifact) {
    super(model, artifact.preprocessing(), artifact.id(), artifact.dimension());
    this.artifact = artifact;
  }

  /**
   * Loads an artifact file.
   *
   * @throws BackboneException {@code FILE: PROBLEM} if it is missing or invalid
   */
  public static BuiltinExtractor open(Path file) {
    try {
      return of(BuiltinCnnArtifact.read(file));
    } catch (BackboneException e) {
      if (e.getMessage().startsWith(file.toString())) {
        throw e;
      }
      throw new BackboneException(file + ": " + e.getMessage(), e);
    }
  }

  /** An extractor running {@code artifact}'s weights. */
  public static BuiltinExtractor of(BuiltinCnnArtifact artifact) {
    Engine.getEngine(TorchScriptExtractor.ENGINE);
    Device device = device(TorchScriptExtractor.ENGINE);
    Model model = Model.newInstance(artifact.id(), device, TorchScriptExtractor.ENGINE);
    try {
      SequentialBlock net = artifact.buildNetwork(model.getNDManager());
      for (Pair<String, Parameter> p : net.getParameters()) {
        p.getValue().getArray().setRequiresGradient(false);
      }
      Block features = net.getChildren().get(0).getValue();
      model.setBlock(features);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return new BuiltinExtractor(model, artifact);
  }

  /** The artifact this extractor runs. */
  public BuiltinCnnArtifact artifact() {
    return artifact;
  }
}
