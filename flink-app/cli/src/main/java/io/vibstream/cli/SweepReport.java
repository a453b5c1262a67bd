package io.vibstream.cli;

import io.vibstream.model.experiment.Sweep;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Writes a sweep's table.csv, table.md and plot.png. */
final class SweepReport {
  static final String CSV_HEADER = "model,input_size,hidden_size,lstm_params,accuracy";

  private SweepReport() {}

  /** Writes the three files into {@code dir}. */
  static void write(Path dir, Sweep.Result result, String dataDescription) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("table.csv"), csv(result.rows()), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("table.md"), markdown(result, dataDescription), StandardCharsets.UTF_8);
    plot(result, dir.resolve("plot.png"), dataDescription);
  }

  static String csv(List<Sweep.Row> rows) {
    StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
    for (Sweep.Row r : rows) {
      sb.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%.2f%n", r.model(), r.inputSize(), r.hiddenSize(),
          r.lstmParams(), r.accuracy()));
    }
    return sb.toString();
  }

  static String markdown(Sweep.Result result, String dataDescription) {
    long base = result.baseline().lstmParams();
    StringBuilder sb = new StringBuilder();
    sb.append("# VIB-LSTM compression on ").append(dataDescription).append("\n\n");
    sb.append("| Model | Input size | Hidden size | LSTM params | Compression | Accuracy (%) | Training |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---|\n");
    for (Sweep.Row r : result.rows()) {
      sb.append(String.format(Locale.ROOT, "| %s%s | %d | %d | %,d | %.1fx | %.2f | %s |%n", r.model(),
          r == result.best() ? " (best)" : "", r.inputSize(), r.hiddenSize(), r.lstmParams(),
          base / (double) r.lstmParams(), r.accuracy(), r.training()));
    }
    Sweep.Row best = result.best();
    sb.append(String.format(Locale.ROOT,
        "%nBest compressed row: %s, %.1fx fewer LSTM parameters than the baseline at %+.2f accuracy points; "
            + "the same size trained from scratch: %.2f%% (%+.2f points vs that row).%n",
        best.model(), base / (double) best.lstmParams(), best.accuracy() - result.baseline().accuracy(),
        result.scratch().accuracy(), result.scratch().accuracy() - best.accuracy()));
    sb.append("\nLSTM params = 4(DH + H^2 + 2H); the classifier layer and the gate scales (3H') are not counted. "
        + "Accuracies are of the pruned dense models as the compressed runtime runs them, on the test split.\n");
    return sb.toString();
  }

  static void plot(Sweep.Result result, Path png, String dataDescription) throws IOException {
    XYSeries baseline = new XYSeries("baseline");
    XYSeries vib = new XYSeries("VIB-LSTM (pruned + fine-tuned)");
    XYSeries scratch = new XYSeries("same size from scratch");
    for (Sweep.Row r : result.rows()) {
      XYSeries target = r == result.baseline() ? baseline : r == result.scratch() ? scratch : vib;
      target.add(r.lstmParams(), r.accuracy());
    }
    XYSeriesCollection dataset = new XYSeriesCollection();
    dataset.addSeries(baseline);
    dataset.addSeries(vib);
    dataset.addSeries(scratch);
    LogAxis x = new LogAxis("LSTM parameters (log scale)");
    x.setSmallestValue(1);
    NumberAxis y = new NumberAxis("test accuracy (%)");
    y.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
    Color[] colors = {new Color(0x33, 0x33, 0x33), new Color(0x1f, 0x77, 0xb4), new Color(0xd6, 0x27, 0x28)};
    for (int s = 0; s < colors.length; s++) {
      renderer.setSeriesPaint(s, colors[s]);
      renderer.setSeriesShape(s, new Ellipse2D.Double(-5, -5, 10, 10));
      renderer.setSeriesStroke(s, new BasicStroke(2f));
    }
    XYPlot plot = Charts.plot(dataset, x, y, renderer);
    for (Sweep.Row r : result.rows()) {
      XYTextAnnotation label = new XYTextAnnotation(
          String.format(Locale.ROOT, "%s %dx%d", r.model(), r.inputSize(), r.hiddenSize()), r.lstmParams(),
          r.accuracy());
      label.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
      label.setTextAnchor(TextAnchor.BOTTOM_LEFT);
      plot.addAnnotation(label);
    }
    Charts.save("Accuracy vs LSTM parameters: " + dataDescription, plot, png);
  }
}
