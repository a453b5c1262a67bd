package io.vibstream.model.backbone;

import java.io.Serializable;

/** What a model release must have been trained on: the backbone id and feature dimension. */
public record BackboneIdentity(String id, int dimension) implements Serializable {
  /** The identity of an open extractor. */
  public static BackboneIdentity of(FeatureExtractor extractor) {
    return new BackboneIdentity(extractor.id(), extractor.dimension());
  }
}
