package io.vibstream.model.training;

import io.vibstream.model.data.DataSplit;
import io.vibstream.model.data.InputDeltas;
import io.vibstream.model.data.SequenceDataset;
import io.vibstream.model.data.Standardization;
import io.vibstream.model.lstm.CompressedLstm;

/**
 * What a model trains on versus what it reads once saved: raw features, expanded with input deltas
 * ({@link InputDeltas}) and then standardized ({@link Standardization}, fitted on the training clips)
 * when asked. A trained model is folded back so that it reads raw features like every saved model;
 * a saved one is unfolded to train on further. {@code vibstream train}, {@code sweep} and the
 * retrain job's candidates all go through here.
 *
 * @param deltas whether the inputs are expanded with input deltas
 * @param standardization fitted on the (expanded) training clips, or null for none
 */
public record TrainingInputs(boolean deltas, Standardization standardization) {
  /** Inputs and what they made of the data. */
  public record Fitted<T>(TrainingInputs inputs, T data) {}

  /** The inputs fitted on {@code raw}'s training side, and the split they make of it. */
  public static Fitted<DataSplit> fit(DataSplit raw, boolean deltas, boolean standardize) {
    DataSplit wide = deltas ? InputDeltas.expand(raw) : raw;
    if (!standardize) {
      return new Fitted<>(new TrainingInputs(deltas, null), wide);
    }
    Standardization s = Standardization.fit(wide.train());
    return new Fitted<>(new TrainingInputs(deltas, s), s.apply(wide));
  }

  /** The inputs fitted on the raw training clips {@code raw}, and what they make of them. */
  public static Fitted<SequenceDataset> fit(SequenceDataset raw, boolean deltas, boolean standardize) {
    SequenceDataset wide = deltas ? InputDeltas.expand(raw) : raw;
    if (!standardize) {
      return new Fitted<>(new TrainingInputs(deltas, null), wide);
    }
    Standardization s = Standardization.fit(wide);
    return new Fitted<>(new TrainingInputs(deltas, s), s.apply(wide));
  }

  /** A model trained on these inputs as it is saved: reading raw features. */
  public CompressedLstm exported(CompressedLstm trained) {
    CompressedLstm folded = standardization == null ? trained : standardization.fold(trained);
    return deltas ? InputDeltas.fold(folded) : folded;
  }

  /**
   * A saved model (reading raw features) as a model of these inputs.
   *
   * @throws IllegalArgumentException if the model reads input deltas and these inputs have none, or
   *     the other way round
   */
  public CompressedLstm imported(CompressedLstm saved) {
    if (saved.inputDeltas() != deltas) {
      throw new IllegalArgumentException(saved.inputDeltas() ? "the model reads input deltas, these inputs have none"
          : "the model reads no input deltas, these inputs have them");
    }
    CompressedLstm expanded = deltas ? InputDeltas.unfold(saved) : saved;
    return standardization == null ? expanded : standardization.unfold(expanded);
  }
}
