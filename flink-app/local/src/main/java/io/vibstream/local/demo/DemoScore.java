package io.vibstream.local.demo;

import io.vibstream.local.bench.BenchEvents;
import io.vibstream.schemas.ActionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's events scored against its cameras' ground truth: accuracy over the windows that lie
 * entirely within one scripted action, the events' own latency, the time until each became visible
 * to a read_committed reader, events per model version and, per scripted action, scored windows
 * and how many of them were recognized.
 *
 * @param recallByAction per action: {scored windows, recognized}
 */
public record DemoScore(double accuracy, int scored, long p50, long p99, long visibleP50, long visibleP99,
    Map<Long, Integer> eventsByModelVersion, Map<String, int[]> recallByAction) {
  /** One event and when the demo read it (epoch ms). */
  public record Seen(ActionEvent event, long receivedAtMs) {}

  public static DemoScore of(List<ScriptedCamera> cameras, List<Seen> events) {
    Map<String, ScriptedCamera> byName = new TreeMap<>();
    cameras.forEach(c -> byName.put(c.name(), c));
    int scored = 0;
    int correct = 0;
    List<Long> latency = new ArrayList<>();
    List<Long> visible = new ArrayList<>();
    Map<Long, Integer> versions = new TreeMap<>();
    Map<String, int[]> recall = new TreeMap<>();
    for (Seen r : events) {
      ActionEvent e = r.event();
      versions.merge(e.getModelVersion(), 1, Integer::sum);
      latency.add(e.getLatencyMs());
      visible.add(r.receivedAtMs() - e.getWindowEnd().toEpochMilli());
      ScriptedCamera camera = byName.get(e.getCameraId());
      String truth = camera == null ? null : camera.truthOf(e.getFirstSequenceNumber(), e.getLastSequenceNumber());
      if (truth != null) {
        scored++;
        int[] action = recall.computeIfAbsent(truth, t -> new int[2]);
        action[0]++;
        if (truth.equals(e.getLabel())) {
          correct++;
          action[1]++;
        }
      }
    }
    return new DemoScore(scored == 0 ? 0 : 100.0 * correct / scored, scored, BenchEvents.percentile(latency, 50),
        BenchEvents.percentile(latency, 99), BenchEvents.percentile(visible, 50), BenchEvents.percentile(visible, 99),
        versions, recall);
  }
}
