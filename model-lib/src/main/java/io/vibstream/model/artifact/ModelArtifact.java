package io.vibstream.model.artifact;

import io.vibstream.model.lstm.CompressedLstm;
import java.util.Arrays;
import java.util.Objects;

/**
 * A compressed model and its manifest: the content of one {@code .vib} file. The constructor
 * checks that they agree: one label per class, backbone dimension equal to the model's feature
 * dimension, the same input (with or without deltas), readout, kept inputs and hidden size.
 */
public record ModelArtifact(ModelManifest manifest, CompressedLstm model) {
  public ModelArtifact {
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(model, "model");
    require(manifest.labels().size() == model.classes(), "manifest lists " + manifest.labels().size()
        + " labels but the model has " + model.classes() + " classes");
    require(manifest.backbone().dimension() == model.featureDim(), "backbone dimension "
        + manifest.backbone().dimension() + " differs from the model's feature dimension " + model.featureDim());
    require(manifest.inputDeltas() == model.inputDeltas(), "manifest input '" + manifest.input() + "' differs from "
        + "the model's (" + (model.inputDeltas() ? "with" : "without") + " input deltas)");
    require(manifest.readout() == model.readout(), "manifest readout '" + manifest.readout().id()
        + "' differs from the model's '" + model.readout().id() + "'");
    require(Arrays.equals(manifest.keptInputs(), model.keptInputs()),
        "manifest keptInputs differ from the model's kept inputs");
    require(manifest.hiddenSize() == model.hiddenSize(), "manifest hiddenSize " + manifest.hiddenSize()
        + " differs from the model's hidden size " + model.hiddenSize());
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
