package io.vibstream.local.soak;

import io.vibstream.schemas.ActionEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Whether a camera's committed events are exactly the windows its frames make: with frames
 * {@code 0..published-1} and no gap, one event ends at every {@code clip - 1 + k * stride} up to
 * the last frame. An expected window without an event is lost; one seen twice is a duplicate; one
 * that should not exist is unexpected.
 */
public final class StrideCheck {
  /** The verdict over all cameras. */
  public record Result(long expected, long seen, long lost, long duplicates, long unexpected) {
    public boolean exact() {
      return lost == 0 && duplicates == 0 && unexpected == 0;
    }
  }

  private StrideCheck() {}

  /**
   * @param published frames published per camera (sequence numbers 0..n-1, none lost on the way)
   * @param clip the model's clip length
   * @param stride frames between a camera's events
   */
  public static Result check(Map<String, Long> published, List<ActionEvent> events, int clip, int stride) {
    if (clip < 1 || stride < 1) {
      throw new IllegalArgumentException("clip and stride must be >= 1, got " + clip + " and " + stride);
    }
    Map<String, Map<Long, Integer>> seen = new HashMap<>();
    for (ActionEvent e : events) {
      seen.computeIfAbsent(e.getCameraId(), c -> new HashMap<>()).merge(e.getLastSequenceNumber(), 1, Integer::sum);
    }
    long expected = 0;
    long lost = 0;
    long duplicates = 0;
    long unexpected = 0;
    TreeSet<String> cameras = new TreeSet<>(published.keySet());
    cameras.addAll(seen.keySet());
    for (String camera : cameras) {
      long n = published.getOrDefault(camera, 0L);
      Map<Long, Integer> ends = seen.getOrDefault(camera, Map.of());
      for (long last = clip - 1; last <= n - 1; last += stride) {
        expected++;
        if (!ends.containsKey(last)) {
          lost++;
        }
      }
      for (Map.Entry<Long, Integer> e : ends.entrySet()) {
        long last = e.getKey();
        boolean onGrid = last >= clip - 1 && last <= n - 1 && (last - (clip - 1)) % stride == 0;
        if (!onGrid) {
          unexpected += e.getValue();
        } else {
          duplicates += e.getValue() - 1;
        }
      }
    }
    return new Result(expected, events.size(), lost, duplicates, unexpected);
  }
}
