package io.vibstream.cli;

import io.vibstream.local.ModelRegistry;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.lstm.LstmParams;
import io.vibstream.schemas.Lineage;
import io.vibstream.schemas.ModelRelease;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The table of {@code models list}: one row per release record, by version; {@code *} marks the current one. */
final class ReleaseTable {
  private static final String FORMAT = "%1s %7s  %-24s  %-12s  %9s  %7s  %7s  %8s  %6s  %-9s  %-9s  %s";

  private ReleaseTable() {}

  static String render(List<ModelRegistry.Entry> history, ModelRegistry.Entry current) {
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT, FORMAT, "", "version", "created", "sha256",
        "params", "hidden", "kept", "accuracy", "parent", "beta", "beta_in", "data"));
    history.stream()
        .sorted(Comparator.comparingLong((ModelRegistry.Entry e) -> e.release() == null ? Long.MAX_VALUE
            : e.release().getVersion()).thenComparingLong(ModelRegistry.Entry::offset))
        .forEach(e -> table.append('\n').append(row(e, e == current)));
    return table.toString();
  }

  private static String row(ModelRegistry.Entry e, boolean current) {
    ModelRelease r = e.release();
    if (r == null) {
      return String.format(Locale.ROOT, "%1s %7s  offset %d: not a ModelRelease: %s", "", "?", e.offset(),
          e.problem());
    }
    String params = "-";
    String hidden = "-";
    String kept = "-";
    if (e.valid()) {
      ModelManifest m = e.verified().artifact().manifest();
      params = Long.toString(LstmParams.count(m.keptInputs().length, m.hiddenSize()));
      hidden = m.hiddenSize() + "/" + m.originalHiddenSize();
      kept = m.keptInputs().length + "/" + m.originalInputSize();
    }
    Double accuracy = r.getMetrics().get("accuracy");
    Lineage l = r.getLineage();
    String row = String.format(Locale.ROOT, FORMAT, current ? "*" : "", r.getVersion(), r.getCreatedAt(),
        r.getSha256().length() > 12 ? r.getSha256().substring(0, 12) : r.getSha256(), params, hidden, kept,
        accuracy == null ? "-" : String.format(Locale.ROOT, "%.2f", accuracy),
        l.getParentVersion() == null ? "-" : l.getParentVersion().toString(),
        String.format(Locale.ROOT, "%.3g", l.getBeta()), String.format(Locale.ROOT, "%.3g", l.getBetaInput()),
        l.getData().isEmpty() ? "-" : l.getData());
    return e.valid() ? row : row + "  INVALID: " + e.problem();
  }
}
