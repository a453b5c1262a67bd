package io.vibstream.flink.functions;

import io.vibstream.model.backbone.BackboneIdentity;
import io.vibstream.model.backbone.FeatureExtractor;
import io.vibstream.model.backbone.FeatureExtractors;
import java.io.Serializable;

/** Opens the job's {@link FeatureExtractor}, once per subtask; shipped with the job graph. */
@FunctionalInterface
public interface BackboneFactory extends Serializable {
  /** A new extractor; the caller closes it. */
  FeatureExtractor open();

  /** Opens an extractor just to read its id and dimension, then closes it. */
  default BackboneIdentity identity() {
    try (FeatureExtractor extractor = open()) {
      return BackboneIdentity.of(extractor);
    }
  }

  /** {@link FeatureExtractors#open(String)} of a spec such as {@code builtin:FILE} (the file must exist on every TaskManager). */
  static BackboneFactory spec(String spec) {
    return () -> FeatureExtractors.open(spec);
  }
}
