package io.vibstream.model.artifact;

import io.vibstream.model.lstm.CompressedLstm;
import io.vibstream.model.lstm.Readout;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything a {@code .vib} artifact says about its model besides the weights. Immutable; the
 * constructor checks every field on its own (agreement with the weights is checked by
 * {@link ModelArtifact}).
 *
 * @param formatVersion artifact format version, {@link #formatVersionFor} the model's input for files
 *     written now
 * @param version model version, >= 1
 * @param createdAt ISO-8601 date-time with offset, e.g. {@code 2025-06-01T12:00:00Z}
 * @param labels class names indexed by class, non-blank and distinct
 * @param backbone the feature extractor whose outputs the model reads
 * @param clipLength T, frames per clip the model was trained on, >= 1
 * @param inputDeltas whether the model's input is [x_t, x_t - x_{t-1}] (JSON {@code "input":
 *     "features+deltas"}, format version 2 and later) rather than x_t ({@code "features"}, the
 *     meaning of a manifest without the field)
 * @param readout what the classifier reads (JSON {@code "readout": "mean"}, format version 3 and
 *     later, or {@code "last"}, the meaning of a manifest without the field)
 * @param keptInputs ascending indices in {@code [0, inputWidth())} the pruned model reads
 * @param hiddenSize H', hidden size after pruning
 * @param originalInputSize input width before pruning; equals {@link #inputWidth()}
 * @param originalHiddenSize H, hidden size before pruning, >= hiddenSize
 * @param metrics named finite measurements, e.g. {@code accuracy}, {@code lstm_params}; kept sorted by name
 * @param lineage where the model came from
 */
public record ModelManifest(
    int formatVersion,
    long version,
    String createdAt,
    List<String> labels,
    Backbone backbone,
    int clipLength,
    boolean inputDeltas,
    Readout readout,
    int[] keptInputs,
    int hiddenSize,
    int originalInputSize,
    int originalHiddenSize,
    Map<String, Double> metrics,
    Lineage lineage) {

  /** The newest artifact format version; this library reads and writes every version from 1 to it. */
  public static final int CURRENT_FORMAT_VERSION = 3;
  /** The JSON {@code input} of a model reading x_t. */
  public static final String FEATURES = "features";
  /** The JSON {@code input} of a model reading [x_t, x_t - x_{t-1}]. */
  public static final String FEATURES_AND_DELTAS = "features+deltas";

  /**
   * The format version to write a model in: 1 for a model of plain features, so that readers
   * older than version 2 still load it; 2 for input deltas, which such readers do not know and
   * must refuse (they check the version).
   */
  public static int formatVersionFor(boolean inputDeltas) {
    return inputDeltas ? 2 : 1;
  }

  /**
   * The format version to write {@code model} in: 3 for the mean readout, which readers older
   * than version 3 would misread and so must refuse, else {@link #formatVersionFor(boolean)}.
   */
  public static int formatVersionFor(CompressedLstm model) {
    return model.readout() == Readout.MEAN ? 3 : formatVersionFor(model.inputDeltas());
  }

  /**
   * The manifest of {@code model} as written now: the format version, the backbone's dimension, the
   * input, readout, kept inputs and sizes come from the model; the rest is what it cannot know.
   *
   * @param backboneId the feature extractor whose outputs the model reads
   * @param originalHiddenSize H, hidden size before pruning
   */
  public static ModelManifest of(CompressedLstm model, long version, String createdAt, List<String> labels,
      String backboneId, int clipLength, int originalHiddenSize, Map<String, Double> metrics, Lineage lineage) {
    return new ModelManifest(formatVersionFor(model), version, createdAt, labels,
        new Backbone(backboneId, model.featureDim()), clipLength, model.inputDeltas(), model.readout(),
        model.keptInputs(), model.hiddenSize(), model.inputWidth(), originalHiddenSize, metrics, lineage);
  }

  /** A manifest of a model with the last-step readout (every manifest before format version 3). */
  public ModelManifest(int formatVersion, long version, String createdAt, List<String> labels, Backbone backbone,
      int clipLength, boolean inputDeltas, int[] keptInputs, int hiddenSize, int originalInputSize,
      int originalHiddenSize, Map<String, Double> metrics, Lineage lineage) {
    this(formatVersion, version, createdAt, labels, backbone, clipLength, inputDeltas, Readout.LAST, keptInputs,
        hiddenSize, originalInputSize, originalHiddenSize, metrics, lineage);
  }

  /** The feature extractor: an identifier and its output dimension D. */
  public record Backbone(String id, int dimension) {
    public Backbone {
      require(id != null && !id.isBlank(), "backbone.id must be a non-blank string");
      require(dimension >= 1, "backbone.dimension must be >= 1, got " + dimension);
    }
  }

  /**
   * Provenance of a model.
   *
   * @param parentVersion version of the model this one was derived from, or {@code null}
   * @param data the data it was trained on, e.g. a data spec such as {@code idx:/data/fashion-mnist}
   * @param beta VIB weight of the hidden-state masks, >= 0
   * @param betaInput VIB weight of the input mask, >= 0
   * @param training free text on the training run: phases, epochs, ...
   */
  public record Lineage(Long parentVersion, String data, double beta, double betaInput, String training) {
    public Lineage {
      require(parentVersion == null || parentVersion >= 1, "lineage.parentVersion must be >= 1 or null, got "
          + parentVersion);
      require(data != null, "lineage.data must not be null");
      require(training != null, "lineage.training must not be null");
      require(Double.isFinite(beta) && beta >= 0, "lineage.beta must be finite and >= 0, got " + beta);
      require(Double.isFinite(betaInput) && betaInput >= 0, "lineage.betaInput must be finite and >= 0, got "
          + betaInput);
    }
  }

  /** Checks every field; see the parameter descriptions. Copies the list, array and map. */
  public ModelManifest {
    require(formatVersion >= 1, "formatVersion must be >= 1, got " + formatVersion);
    require(version >= 1, "version must be >= 1, got " + version);
    require(createdAt != null, "createdAt must not be null");
    try {
      DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(createdAt);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("createdAt must be an ISO-8601 date-time with offset, e.g. "
          + "2025-06-01T12:00:00Z, got '" + createdAt + "'");
    }
    require(labels != null && !labels.isEmpty(), "labels must hold at least one class name");
    for (String label : labels) {
      require(label != null && !label.isBlank(), "labels must be non-blank strings, found '" + label + "'");
    }
    require(new HashSet<>(labels).size() == labels.size(), "labels must be distinct, got " + labels);
    labels = List.copyOf(labels);
    require(backbone != null, "backbone must not be null");
    require(clipLength >= 1, "clipLength must be >= 1, got " + clipLength);
    require(!inputDeltas || formatVersion >= 2, "input '" + FEATURES_AND_DELTAS + "' needs formatVersion >= 2, got "
        + formatVersion);
    require(readout != null, "readout must not be null");
    require(readout == Readout.LAST || formatVersion >= 3, "readout '" + Readout.MEAN.id()
        + "' needs formatVersion >= 3, got " + formatVersion);
    long width = inputDeltas ? 2L * backbone.dimension() : backbone.dimension();
    require(keptInputs != null && keptInputs.length >= 1, "keptInputs must hold at least one index");
    keptInputs = keptInputs.clone();
    int previous = -1;
    for (int k : keptInputs) {
      require(k > previous && k < width, "keptInputs must be ascending indices in [0, " + width + "), found " + k
          + " after " + previous);
      previous = k;
    }
    require(hiddenSize >= 1, "hiddenSize must be >= 1, got " + hiddenSize);
    require(originalInputSize == width, "originalInputSize " + originalInputSize + " must equal "
        + (inputDeltas ? "2 x " : "") + "backbone.dimension " + backbone.dimension());
    require(originalHiddenSize >= hiddenSize, "originalHiddenSize " + originalHiddenSize
        + " must be >= hiddenSize " + hiddenSize);
    require(metrics != null, "metrics must not be null");
    for (Map.Entry<String, Double> metric : metrics.entrySet()) {
      require(metric.getKey() != null && metric.getValue() != null && Double.isFinite(metric.getValue()),
          "metrics must map names to finite numbers, found " + metric.getKey() + "=" + metric.getValue());
    }
    metrics = Collections.unmodifiableMap(new TreeMap<>(metrics));
    require(lineage != null, "lineage must not be null");
  }

  /** {@link #FEATURES_AND_DELTAS} or {@link #FEATURES}, as the JSON field {@code input} names the input. */
  public String input() {
    return inputDeltas ? FEATURES_AND_DELTAS : FEATURES;
  }

  /** Width of the model's input u_t: backbone.dimension, doubled with input deltas. */
  public int inputWidth() {
    return inputDeltas ? 2 * backbone.dimension() : backbone.dimension();
  }

  /** A copy of the kept input indices. */
  @Override
  public int[] keptInputs() {
    return keptInputs.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelManifest m && formatVersion == m.formatVersion && version == m.version
        && createdAt.equals(m.createdAt) && labels.equals(m.labels) && backbone.equals(m.backbone)
        && clipLength == m.clipLength && inputDeltas == m.inputDeltas && readout == m.readout
        && Arrays.equals(keptInputs, m.keptInputs)
        && hiddenSize == m.hiddenSize && originalInputSize == m.originalInputSize
        && originalHiddenSize == m.originalHiddenSize && metrics.equals(m.metrics) && lineage.equals(m.lineage);
  }

  @Override
  public int hashCode() {
    return Objects.hash(formatVersion, version, createdAt, labels, backbone, clipLength, inputDeltas, readout,
        Arrays.hashCode(keptInputs), hiddenSize, originalInputSize, originalHiddenSize, metrics, lineage);
  }

  @Override
  public String toString() {
    return "ModelManifest[formatVersion=" + formatVersion + ", version=" + version + ", createdAt=" + createdAt
        + ", labels=" + labels + ", backbone=" + backbone + ", clipLength=" + clipLength + ", input=" + input()
        + ", readout=" + readout.id() + ", keptInputs=" + Arrays.toString(keptInputs) + ", hiddenSize=" + hiddenSize
        + ", originalInputSize=" + originalInputSize + ", originalHiddenSize=" + originalHiddenSize + ", metrics="
        + metrics + ", lineage=" + lineage + "]";
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
