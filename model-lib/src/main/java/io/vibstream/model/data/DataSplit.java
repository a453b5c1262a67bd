package io.vibstream.model.data;

import java.util.Objects;

/**
 * A train/test pair of sequence data sets with the same shape and classes, and a description
 * of where it came from (kept in model lineage).
 */
public record DataSplit(SequenceDataset train, SequenceDataset test, String description) {
  public DataSplit {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
    if (train.timeSteps() != test.timeSteps() || train.featureDim() != test.featureDim()
        || !train.classNames().equals(test.classNames())) {
      throw new IllegalArgumentException("train and test splits differ in shape or classes");
    }
  }
}
