package io.vibstream.cli;

import io.vibstream.local.demo.DemoScore;
import io.vibstream.local.demo.ScriptedCamera;
import io.vibstream.schemas.ActionEvent;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** What {@code vibstream demo} prints: the live table of each camera's latest event, and the summary at the end. */
final class DemoTable {
  private final PrintWriter out;
  private final List<ScriptedCamera> cameras;
  private final long started;

  /** A table of {@code cameras}, timed from {@code started} ({@link System#nanoTime()}). */
  DemoTable(PrintWriter out, List<ScriptedCamera> cameras, long started) {
    this.out = out;
    this.cameras = cameras;
    this.started = started;
  }

  /** One refresh: the events so far, {@code frames} published, and the job's status. */
  void print(List<DemoScore.Seen> events, long frames, String jobStatus) {
    Map<String, ActionEvent> latest = new TreeMap<>();
    Map<String, Integer> counts = new TreeMap<>();
    for (DemoScore.Seen r : events) {
      latest.put(r.event().getCameraId(), r.event());
      counts.merge(r.event().getCameraId(), 1, Integer::sum);
    }
    DemoScore s = DemoScore.of(cameras, events);
    out.printf(Locale.ROOT, "--- %5.1f s  job %s  events %d  frames %d  accuracy so far %.1f%% (%d scored)%n",
        (System.nanoTime() - started) / 1e9, jobStatus, events.size(), frames, s.accuracy(), s.scored());
    out.printf(Locale.ROOT, "%-8s %-14s %10s %-14s %10s %7s %7s%n", "camera", "action", "confidence", "ground truth",
        "latency_ms", "model", "events");
    for (ScriptedCamera run : cameras) {
      ActionEvent e = latest.get(run.name());
      if (e == null) {
        out.printf(Locale.ROOT, "%-8s %-14s %10s %-14s %10s %7s %7d%n", run.name(), "-", "-", run.currentLabel(), "-",
            "-", 0);
      } else {
        String truth = run.truthOf(e.getFirstSequenceNumber(), e.getLastSequenceNumber());
        out.printf(Locale.ROOT, "%-8s %-14s %10.2f %-14s %10d %7d %7d%n", run.name(), e.getLabel(), e.getConfidence(),
            truth == null ? "(" + run.labelAt(e.getLastSequenceNumber()) + ")" : truth, e.getLatencyMs(),
            e.getModelVersion(), counts.getOrDefault(run.name(), 0));
      }
    }
    out.flush();
  }

  /** The end: scored windows, committed-visible latency, recall per action, events per version, the last line. */
  void summary(DemoScore s, int events, long frames, long checkpointIntervalMs) {
    out.printf(Locale.ROOT, "scored %d of %d events (windows inside one scripted action); committed-visible latency "
        + "p50 %d ms, p99 %d ms (bound by the %d ms checkpoints)%n", s.scored(), events, s.visibleP50(),
        s.visibleP99(), checkpointIntervalMs);
    StringBuilder recall = new StringBuilder();
    s.recallByAction().forEach((action, n) -> recall.append(String.format(Locale.ROOT, " %s %.0f%% (%d)", action,
        100.0 * n[1] / n[0], n[0])));
    out.printf(Locale.ROOT, "recognized per action (scored windows):%s%n", recall);
    out.printf(Locale.ROOT, "events per model version: %s%n", s.eventsByModelVersion());
    out.printf(Locale.ROOT, "accuracy=%.1f events=%d frames=%d p50_ms=%d p99_ms=%d%n", s.accuracy(), events, frames,
        s.p50(), s.p99());
    out.flush();
  }
}
