package io.vibstream.cli;

import io.vibstream.local.soak.ProcessMemory;
import io.vibstream.local.soak.Soak;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A soak's samples as {@code soak.csv} (one row per sample: seconds, heap, live heap, heap
 * committed, direct, JavaCPP native and resident bytes, committed events, events/s, lag) and
 * {@code soak.png} (memory in MB above, events/s and lag below), and the verdict on memory after the warm-up: start (median
 * of its first three samples) against end (median of the last three) and the least-squares slope.
 */
final class SoakReport {
  private final List<Soak.Sample> rows;
  private final long warmUpSeconds;

  SoakReport(List<Soak.Sample> rows, long warmUpSeconds) {
    this.rows = List.copyOf(rows);
    this.warmUpSeconds = warmUpSeconds;
  }

  void write(Path csv, Path png) throws IOException {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
      w.println("seconds,heap_bytes,heap_live_bytes,heap_committed_bytes,direct_bytes,javacpp_bytes,rss_bytes,"
          + "events,events_per_s,lag_frames");
      for (int i = 0; i < rows.size(); i++) {
        Soak.Sample r = rows.get(i);
        ProcessMemory.Sample m = r.memory();
        w.printf(Locale.ROOT, "%.1f,%d,%d,%d,%d,%d,%d,%d,%.2f,%d%n", r.seconds(), m.heapUsedBytes(),
            m.heapLiveBytes(), m.heapCommittedBytes(), m.directBytes(), m.javacppBytes(), m.rssBytes(), r.events(),
            rate(i), r.lagFrames());
      }
    }
    XYSeries rss = new XYSeries("resident (RSS)");
    XYSeries heap = new XYSeries("live heap (after a full GC)");
    XYSeries committed = new XYSeries("heap committed");
    XYSeries javacpp = new XYSeries("JavaCPP native");
    XYSeries direct = new XYSeries("direct buffers");
    XYSeries rate = new XYSeries("events/s");
    XYSeries lag = new XYSeries("lag (frames / 10)");
    for (int i = 0; i < rows.size(); i++) {
      Soak.Sample r = rows.get(i);
      double min = r.seconds() / 60;
      rss.add(min, r.memory().rssBytes() / 1048576.0);
      heap.add(min, r.memory().heapLiveBytes() / 1048576.0);
      committed.add(min, r.memory().heapCommittedBytes() / 1048576.0);
      javacpp.add(min, r.memory().javacppBytes() / 1048576.0);
      direct.add(min, r.memory().directBytes() / 1048576.0);
      rate.add(min, rate(i));
      lag.add(min, r.lagFrames() / 10.0);
    }
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("minutes"));
    plot.add(Charts.plot(collection(rss, heap, committed, javacpp, direct), null, new NumberAxis("MB"), lines(0)),
        3);
    plot.add(Charts.plot(collection(rate, lag), null, new NumberAxis("events/s, frames/10"), lines(5)), 2);
    Charts.save(String.format(Locale.ROOT, "soak: memory and throughput (warm-up %d s)", warmUpSeconds),
        plot, png);
  }

  /**
   * {@code rss_start_mb=X rss_end_mb=X rss_slope_mb_per_min=X heap_live_start_mb=X heap_live_end_mb=X
   * heap_live_slope_mb_per_min=X} over the samples after the warm-up.
   */
  String summary() {
    List<Soak.Sample> judged = rows.stream().filter(r -> r.seconds() >= warmUpSeconds).toList();
    if (judged.size() < 6) {
      return "rss_start_mb=NaN rss_end_mb=NaN rss_slope_mb_per_min=NaN heap_live_start_mb=NaN heap_live_end_mb=NaN "
          + "heap_live_slope_mb_per_min=NaN";
    }
    return String.format(Locale.ROOT, "rss_start_mb=%.0f rss_end_mb=%.0f rss_slope_mb_per_min=%.2f "
        + "heap_live_start_mb=%.0f heap_live_end_mb=%.0f heap_live_slope_mb_per_min=%.2f",
        mb(median3(judged, 0, true)), mb(median3(judged, judged.size() - 3, true)), slopeMbPerMinute(judged, true),
        mb(median3(judged, 0, false)), mb(median3(judged, judged.size() - 3, false)), slopeMbPerMinute(judged, false));
  }

  private double rate(int i) {
    if (i == 0) {
      return 0;
    }
    Soak.Sample a = rows.get(i - 1);
    Soak.Sample b = rows.get(i);
    return (b.events() - a.events()) / Math.max(1e-9, b.seconds() - a.seconds());
  }

  private static double median3(List<Soak.Sample> rows, int from, boolean rss) {
    double[] v = new double[3];
    for (int i = 0; i < 3; i++) {
      ProcessMemory.Sample m = rows.get(from + i).memory();
      v[i] = rss ? m.rssBytes() : m.heapLiveBytes();
    }
    java.util.Arrays.sort(v);
    return v[1];
  }

  private static double slopeMbPerMinute(List<Soak.Sample> rows, boolean rss) {
    double n = rows.size();
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (Soak.Sample r : rows) {
      double x = r.seconds() / 60;
      double y = mb(rss ? r.memory().rssBytes() : r.memory().heapLiveBytes());
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }

  private static double mb(double bytes) {
    return bytes / 1048576.0;
  }

  private static XYSeriesCollection collection(XYSeries... series) {
    XYSeriesCollection c = new XYSeriesCollection();
    for (XYSeries s : series) {
      c.addSeries(s);
    }
    return c;
  }

  /** Lines in the palette's colors from {@code first} on, so the two panels' series differ. */
  private static XYLineAndShapeRenderer lines(int first) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    Color[] colors = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x8c564b), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0xff7f0e), new Color(0x000000)};
    for (int i = first; i < colors.length; i++) {
      r.setSeriesPaint(i - first, colors[i]);
      r.setSeriesStroke(i - first, new BasicStroke(2f));
    }
    return r;
  }
}
