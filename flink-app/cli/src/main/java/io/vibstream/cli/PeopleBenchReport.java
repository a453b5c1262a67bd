package io.vibstream.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** {@code bench people}'s load steps: the printed table, steps.csv and p99.png. */
final class PeopleBenchReport {
  static final String CSV_HEADER = "offered_fps,achieved_fps,p50_ms,p99_ms,events,pose_ms_per_batch,persons_per_frame";

  /** One load step: offered and achieved frames/s, frame-to-event latency, events, pose ms per batch, persons per frame. */
  record Step(double offeredFps, double achievedFps, long p50, long p99, int events, double poseMs,
      double personsPerFrame) {}

  private PeopleBenchReport() {}

  static String row(Step s) {
    return String.format(Locale.ROOT, "%11.1f %12.1f %7d %7d %7d %15.0f %17.1f", s.offeredFps(), s.achievedFps(),
        s.p50(), s.p99(), s.events(), s.poseMs(), s.personsPerFrame());
  }

  static String header() {
    return "offered_fps achieved_fps  p50_ms  p99_ms  events  pose_ms/batch  persons/frame";
  }

  static String csv(List<Step> steps) {
    StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
    for (Step s : steps) {
      sb.append(String.format(Locale.ROOT, "%.1f,%.1f,%d,%d,%d,%.1f,%.2f%n", s.offeredFps(), s.achievedFps(), s.p50(),
          s.p99(), s.events(), s.poseMs(), s.personsPerFrame()));
    }
    return sb.toString();
  }

  /** Writes steps.csv and p99.png (p99 against the offered load, with the bound as a line) into {@code dir}. */
  static void write(Path dir, List<Step> steps, long boundMs, String title) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("steps.csv"), csv(steps), StandardCharsets.UTF_8);
    XYSeries p99 = new XYSeries("p99 frame-to-event latency");
    XYSeries p50 = new XYSeries("p50");
    for (Step s : steps) {
      p99.add(s.offeredFps(), s.p99());
      p50.add(s.offeredFps(), s.p50());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(p99);
    data.addSeries(p50);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    Color[] colors = {new Color(0xd6, 0x27, 0x28), new Color(0x1f, 0x77, 0xb4)};
    for (int i = 0; i < colors.length; i++) {
      renderer.setSeriesPaint(i, colors[i]);
      renderer.setSeriesShape(i, new Ellipse2D.Double(-4, -4, 8, 8));
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    NumberAxis y = new NumberAxis("frame-to-event latency (ms)");
    y.setRange(0, 1.15 * Math.max(boundMs, steps.stream().mapToLong(Step::p99).max().orElse(0)));
    var plot = Charts.plot(data, new NumberAxis("offered load (frames/s, all cameras)"), y, renderer);
    ValueMarker bound = new ValueMarker(boundMs, Color.DARK_GRAY, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
        BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
    bound.setLabel("bound " + boundMs + " ms");
    bound.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
    bound.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
    plot.addRangeMarker(bound);
    Charts.save(title, plot, dir.resolve("p99.png"));
  }
}
