package io.vibstream.model.artifact;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vibstream.model.io.FormatException;
import io.vibstream.model.io.JsonFields;
import io.vibstream.model.lstm.Readout;

/**
 * The JSON form of a {@link ModelManifest}; field names follow the record components, except
 * {@code inputDeltas}, which is the string field {@code input} ({@value ModelManifest#FEATURES} or
 * {@value ModelManifest#FEATURES_AND_DELTAS}), written from format version 2 on, and {@code readout}
 * ({@code last} or {@code mean}), written from format version 3 on.
 */
final class ManifestJson {
  private ManifestJson() {}

  /** Compact UTF-8 JSON with fields in a fixed order, so equal manifests give equal bytes. */
  static byte[] write(ModelManifest m) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("formatVersion", m.formatVersion());
    root.put("version", m.version());
    root.put("createdAt", m.createdAt());
    ArrayNode labels = root.putArray("labels");
    m.labels().forEach(labels::add);
    ObjectNode backbone = root.putObject("backbone");
    backbone.put("id", m.backbone().id());
    backbone.put("dimension", m.backbone().dimension());
    root.put("clipLength", m.clipLength());
    if (m.formatVersion() >= 2) {
      root.put("input", m.input());
    }
    if (m.formatVersion() >= 3) {
      root.put("readout", m.readout().id());
    }
    ArrayNode kept = root.putArray("keptInputs");
    for (int k : m.keptInputs()) {
      kept.add(k);
    }
    root.put("hiddenSize", m.hiddenSize());
    root.put("originalInputSize", m.originalInputSize());
    root.put("originalHiddenSize", m.originalHiddenSize());
    ObjectNode metrics = root.putObject("metrics");
    m.metrics().forEach(metrics::put);
    ModelManifest.Lineage l = m.lineage();
    ObjectNode lineage = root.putObject("lineage");
    lineage.put("parentVersion", l.parentVersion());
    lineage.put("data", l.data());
    lineage.put("beta", l.beta());
    lineage.put("betaInput", l.betaInput());
    lineage.put("training", l.training());
    return JsonFields.toBytes(root);
  }

  /**
   * Reads a manifest from its JSON object. Unknown fields are ignored; {@code lineage.parentVersion}
   * may be absent or null, {@code input} absent (meaning {@value ModelManifest#FEATURES}),
   * {@code readout} absent (meaning {@code last}), every
   * other field is required.
   *
   * @throws FormatException for a missing or mistyped field
   * @throws IllegalArgumentException for a field value the manifest rejects
   */
  static ModelManifest read(JsonFields m) {
    JsonFields backbone = m.object("backbone");
    JsonFields lineage = m.object("lineage");
    return new ModelManifest(
        m.integer("formatVersion"),
        m.longInteger("version"),
        m.string("createdAt"),
        m.strings("labels"),
        new ModelManifest.Backbone(backbone.string("id"), backbone.integer("dimension")),
        m.integer("clipLength"),
        inputDeltas(m.optionalString("input")),
        readout(m.optionalString("readout")),
        m.integers("keptInputs"),
        m.integer("hiddenSize"),
        m.integer("originalInputSize"),
        m.integer("originalHiddenSize"),
        m.numbers("metrics"),
        new ModelManifest.Lineage(lineage.optionalLong("parentVersion"), lineage.string("data"),
            lineage.number("beta"), lineage.number("betaInput"), lineage.string("training")));
  }

  private static Readout readout(String readout) {
    try {
      return readout == null ? Readout.LAST : Readout.of(readout);
    } catch (IllegalArgumentException e) {
      throw new FormatException("field 'readout' must be 'last' or 'mean', found '" + readout + "'");
    }
  }

  private static boolean inputDeltas(String input) {
    if (input == null || input.equals(ModelManifest.FEATURES)) {
      return false;
    }
    if (input.equals(ModelManifest.FEATURES_AND_DELTAS)) {
      return true;
    }
    throw new FormatException("field 'input' must be '" + ModelManifest.FEATURES + "' or '"
        + ModelManifest.FEATURES_AND_DELTAS + "', found '" + input + "'");
  }
}
