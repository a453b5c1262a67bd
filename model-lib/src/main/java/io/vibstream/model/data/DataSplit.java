package io.vibstream.model.data;

import java.util.Objects;

/**
 * A train/test pair of sequence data sets with the same shape and classes, the id of the feature
 * backbone that produced the per-step features (a model trained on them expects the same), and a
 * description of where the data came from (kept in model lineage).
 */
public record DataSplit(SequenceDataset train, SequenceDataset test, String backboneId, String description) {
  /** Backbone id of IDX image data: each image row is one step's feature vector. */
  public static final String IDX_ROWS_BACKBONE = "idx-rows";

  public DataSplit {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(backboneId, "backboneId");
    if (train.timeSteps() != test.timeSteps() || train.featureDim() != test.featureDim()
        || !train.classNames().equals(test.classNames())) {
      throw new IllegalArgumentException("train and test splits differ in shape or classes");
    }
  }

  /**
   * This split with the training examples of {@code other} added to its training side (the test
   * side stays as it is), e.g. clips of the same scenes cut another way.
   *
   * @throws IllegalArgumentException if {@code other} comes from another backbone or differs in
   *     shape or classes
   */
  public DataSplit withTrainingOf(DataSplit other) {
    if (!other.backboneId.equals(backboneId)) {
      throw new IllegalArgumentException("cannot train on features of " + other.backboneId + " with features of "
          + backboneId);
    }
    return new DataSplit(train.concat(other.train), test, backboneId,
        description + " + the training clips of " + other.description);
  }
}
