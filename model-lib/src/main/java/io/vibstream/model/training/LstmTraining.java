package io.vibstream.model.training;

import io.vibstream.model.data.DataSpec;
import io.vibstream.model.data.DataSplit;
import io.vibstream.model.data.PoseMirror;
import io.vibstream.model.lstm.Readout;
import io.vibstream.model.vib.TrainingSchedule;
import java.util.List;

/**
 * Training an LSTM classifier from scratch on a data set, as {@code vibstream train} and
 * {@code sweep} do: the data loaded, sampled and mirrored, the {@link TrainingInputs} it trains on,
 * and the schedules of the baseline, VIB and fine-tuning phases.
 */
public final class LstmTraining {
  private LstmTraining() {}

  /**
   * What to train on and how.
   *
   * @param data data spec ({@link DataSpec#load})
   * @param extraTrain more data specs whose training splits are added to {@code data}'s
   * @param maxTrain at most this many training examples (a sample seeded by the baseline's seed), or null for all
   * @param mirror {@link PoseMirror#parse pose mirror} spec adding the training clips' mirror images, or null
   * @param deltas train on input deltas ({@link TrainingInputs})
   * @param standardize train on standardized inputs ({@link TrainingInputs})
   * @param hidden hidden size of the uncompressed LSTM, >= 1
   * @param readout what the classifier reads
   * @param baseline schedule of the baseline; the VIB and fine-tuning phases differ only in epochs
   * @param vibEpochs epochs of the VIB phase, >= 0
   * @param fineTuneEpochs epochs of fine-tuning with frozen masks, >= 0
   * @param threshold log alpha pruning threshold
   */
  public record Settings(String data, List<String> extraTrain, Integer maxTrain, String mirror, boolean deltas,
      boolean standardize, int hidden, Readout readout, TrainingSchedule baseline, int vibEpochs, int fineTuneEpochs,
      double threshold) {
    public Settings {
      extraTrain = List.copyOf(extraTrain);
    }

    public long seed() {
      return baseline.seed();
    }

    public TrainingSchedule vib() {
      return baseline.withEpochs(vibEpochs);
    }

    public TrainingSchedule fineTune() {
      return baseline.withEpochs(fineTuneEpochs);
    }
  }

  /**
   * The data loaded for training.
   *
   * @param raw as loaded (and sampled): what saved models read and are tested on
   * @param data what models train on: {@code raw} mirrored and made into {@code inputs}
   */
  public record Data(DataSplit raw, DataSplit data, TrainingInputs inputs) {}

  /** Loads {@code settings}' data and fits the inputs on its training side. */
  public static Data load(Settings settings) {
    DataSplit split = DataSpec.load(settings.data());
    for (String extra : settings.extraTrain()) {
      split = split.withTrainingOf(DataSpec.load(extra));
    }
    Integer maxTrain = settings.maxTrain();
    if (maxTrain != null) {
      split = new DataSplit(split.train().sample(maxTrain, settings.seed()), split.test(), split.backboneId(),
          split.description() + " (train sample of " + Math.min(maxTrain, split.train().size()) + ")");
    }
    DataSplit raw = split;
    if (settings.mirror() != null) {
      int dimension = split.train().featureDim();
      if (dimension % 3 != 0) {
        throw new IllegalArgumentException("mirror images need pose features (3 values a joint), the data has "
            + dimension + " a frame");
      }
      split = PoseMirror.parse(settings.mirror(), dimension / 3).withMirrorImages(split);
    }
    TrainingInputs.Fitted<DataSplit> fitted = TrainingInputs.fit(split, settings.deltas(), settings.standardize());
    return new Data(raw, fitted.data(), fitted.inputs());
  }
}
