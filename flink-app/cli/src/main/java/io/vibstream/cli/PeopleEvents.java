package io.vibstream.cli;

import io.vibstream.schemas.ActionEvent;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** How the people commands print per-person events: one line each and a summary line. */
final class PeopleEvents {
  private PeopleEvents() {}

  /** The events of tracked persons (those with a track id). */
  static List<ActionEvent> personEvents(List<ActionEvent> events) {
    return events.stream().filter(e -> e.getTrackId() != null).toList();
  }

  /** One committed event: {@code camera=C track=T frames=A..B label=L confidence=0.87 unsure=false}. */
  static String eventLine(ActionEvent e) {
    return String.format(Locale.ROOT, "camera=%s track=%d frames=%d..%d label=%s confidence=%.2f unsure=%s",
        e.getCameraId(), e.getTrackId(), e.getFirstSequenceNumber(), e.getLastSequenceNumber(), e.getLabel(),
        e.getConfidence(), e.getUnsure());
  }

  /** {@code tracks=N events=N labels=LABEL:COUNT,...}: distinct (camera, track), events, events per label (most first). */
  static String summary(List<ActionEvent> personEvents) {
    Set<String> tracks = new TreeSet<>();
    Map<String, Integer> perLabel = new TreeMap<>();
    for (ActionEvent e : personEvents) {
      tracks.add(e.getCameraId() + "\u0000" + e.getTrackId());
      perLabel.merge(e.getLabel(), 1, Integer::sum);
    }
    String labels = perLabel.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .map(en -> en.getKey() + ":" + en.getValue())
        .collect(Collectors.joining(","));
    return "tracks=" + tracks.size() + " events=" + personEvents.size() + " labels=" + labels;
  }
}
