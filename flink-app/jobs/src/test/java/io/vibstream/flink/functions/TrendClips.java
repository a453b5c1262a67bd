package io.vibstream.flink.functions;

import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.data.SequenceDataset;
import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.Readout;
import io.vibstream.model.vib.Pruner;
import io.vibstream.model.vib.TrainingListener;
import io.vibstream.model.vib.TrainingSchedule;
import io.vibstream.model.vib.VibLstm;
import io.vibstream.model.vib.VibTrainer;
import io.vibstream.schemas.LabeledClip;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Learnable generated clips for retraining tests: every feature is noise around a per-clip level,
 * and the class shows only in a trend: {@code rise} and {@code fall} in column 0, {@code swing}
 * (an oscillation) in column 1.
 */
public final class TrendClips {
  public static final String BACKBONE = "trend-features";
  public static final int DIMENSION = 8;
  public static final int FRAMES = 16;
  public static final List<String> KNOWN = List.of("rise", "fall");
  public static final String NEW = "swing";

  private TrendClips() {}

  /** Frames of one clip of {@code label}. */
  public static float[][] frames(String label, int frames, Random random) {
    float[][] out = new float[frames][DIMENSION];
    float[] level = new float[DIMENSION];
    for (int j = 0; j < DIMENSION; j++) {
      level[j] = (float) (0.3 * random.nextGaussian());
    }
    double phase = random.nextDouble() * 2 * Math.PI;
    for (int t = 0; t < frames; t++) {
      double s = t / (double) (frames - 1);
      for (int j = 0; j < DIMENSION; j++) {
        out[t][j] = level[j] + (float) (0.2 * random.nextGaussian());
      }
      switch (label) {
        case "rise" -> out[t][0] += (float) (3 * s);
        case "fall" -> out[t][0] -= (float) (3 * s);
        case "swing" -> out[t][1] += (float) (1.5 * Math.sin(4 * Math.PI * s + phase));
        default -> throw new IllegalArgumentException("unknown label " + label);
      }
    }
    return out;
  }

  /** A clip of {@code label} from camera {@code cam-N}, captured at {@code start} (ms). */
  public static LabeledClip clip(String label, int n, long start, Random random) {
    float[][] frames = frames(label, FRAMES, random);
    List<Float> features = new ArrayList<>(FRAMES * DIMENSION);
    for (float[] frame : frames) {
      for (float f : frame) {
        features.add(f);
      }
    }
    return LabeledClip.newBuilder().setCameraId("cam-" + n).setStartTimestamp(Instant.ofEpochMilli(start))
        .setEndTimestamp(Instant.ofEpochMilli(start + 40L * (FRAMES - 1))).setLabel(label).setFeatureDim(DIMENSION)
        .setFeatures(features).setFrames(null).setBackboneId(BACKBONE).build();
  }

  /** {@code perLabel} clips of each label, labels interleaved, 1 s apart from {@code start}. */
  public static List<LabeledClip> clips(List<String> labels, int perLabel, long start, long seed) {
    Random random = new Random(seed);
    List<LabeledClip> out = new ArrayList<>();
    for (int i = 0; i < perLabel; i++) {
      for (String label : labels) {
        out.add(clip(label, out.size(), start + 1000L * out.size(), random));
      }
    }
    return out;
  }

  /** A dense LSTM (hidden {@code hidden}) trained on the {@link #KNOWN} labels, as a version {@code version} artifact. */
  public static ModelArtifact knownModel(long version, int hidden, long seed) {
    return knownModel(version, hidden, Readout.LAST, seed);
  }

  /** {@link #knownModel(long, int, long)} with the given readout. */
  public static ModelArtifact knownModel(long version, int hidden, Readout readout, long seed) {
    Random random = new Random(seed);
    int n = 120;
    float[] data = new float[n * FRAMES * DIMENSION];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % KNOWN.size();
      float[][] frames = frames(KNOWN.get(labels[i]), FRAMES, random);
      for (int t = 0; t < FRAMES; t++) {
        System.arraycopy(frames[t], 0, data, (i * FRAMES + t) * DIMENSION, DIMENSION);
      }
    }
    SequenceDataset train = new SequenceDataset(data, labels, FRAMES, DIMENSION, KNOWN);
    CompressedLstm model;
    try (var manager = ai.djl.ndarray.NDManager.newBaseManager();
        VibLstm lstm = VibLstm.plain(manager, DIMENSION, hidden, KNOWN.size(), readout, seed)) {
      VibTrainer.train(lstm, train, new TrainingSchedule(15, 16, 1e-2, 5e-3, 0, 0, 0, seed, true), "known",
          TrainingListener.NONE);
      model = Pruner.prune(lstm);
    }
    ModelManifest manifest = ModelManifest.of(model, version, "2025-06-01T12:00:00Z", KNOWN, BACKBONE, FRAMES, hidden,
        Map.of("accuracy", 100.0), new ModelManifest.Lineage(null, "trend clips", 0, 0, "15 epochs"));
    return new ModelArtifact(manifest, model);
  }

  /** {@link #knownModel} as {@code .vib} bytes. */
  public static byte[] knownModelBytes(long version, int hidden, long seed) {
    return ModelArtifacts.toBytes(knownModel(version, hidden, seed));
  }
}
