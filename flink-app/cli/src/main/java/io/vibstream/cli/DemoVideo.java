package io.vibstream.cli;

import io.vibstream.local.people.Pose;
import io.vibstream.local.people.PoseJob;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.schemas.ActionEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@code vibstream demo --video FILE}: the demo on a real video instead of synthetic cameras. The
 * file runs through {@link PoseJob} as in {@code recognize} (the shipped person model by default),
 * for at most {@code --duration} of video; a live table shows each track's latest event and, as a
 * real video has no ground truth, the last line is recognize's {@code tracks=N events=N labels=...}.
 */
final class DemoVideo {
  /** The demo's options that apply to a video; the others configure synthetic cameras and their model. */
  private static final Set<String> OPTIONS =
      Set.of("--video", "--duration", "--model", "--parallelism", "--checkpoint-interval-ms", "--refresh-ms");
  private static final long STALL_TIMEOUT_S = 180;

  @Option(names = "--video", paramLabel = "FILE", description = "run on this video file instead of synthetic cameras: "
      + "the pose-mode job as in 'recognize', the shipped person model unless --model, at most --duration of the "
      + "file; the last line is tracks=N events=N labels=LABEL:COUNT,...")
  Path video;

  boolean requested() {
    return video != null;
  }

  int run(CommandSpec spec, Duration runFor, Path model, int parallelism, long checkpointIntervalMs, long refreshMs)
      throws Exception {
    List<String> other = spec.commandLine().getParseResult().matchedOptions().stream()
        .map(OptionSpec::longestName).filter(n -> !OPTIONS.contains(n)).distinct().toList();
    if (!other.isEmpty()) {
      throw new IllegalArgumentException(String.join(", ", other) + ": for synthetic cameras, not with --video");
    }
    if (!Files.isRegularFile(video) || parallelism < 1 || runFor.toMillis() < 1) {
      throw new IllegalArgumentException(!Files.isRegularFile(video) ? "--video " + video + ": no such file"
          : "--parallelism must be >= 1 and --duration positive");
    }
    PeopleInputs.Probe probe;
    try {
      probe = PeopleInputs.probe(video);
    } catch (IOException e) {
      throw new IllegalArgumentException("--video " + PeopleInputs.oneLine(e));
    }
    Path modelFile = PeopleInputs.model(model);
    ModelArtifact artifact = PeopleInputs.personModel(modelFile);
    long maxFrames = Math.max(1, (long) Math.ceil(runFor.toMillis() / 1000.0 * probe.fps()));
    String camera = PeopleInputs.defaultCameraId(video);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "video %s: %dx%d at %.2f fps, at most %d frames (--duration %.1f s); camera '%s'; model %s "
        + "(%d actions, clip %d frames)%n", video, probe.width(), probe.height(), probe.fps(), maxFrames,
        runFor.toMillis() / 1000.0, camera, modelFile, artifact.manifest().labels().size(),
        artifact.manifest().clipLength());
    out.flush();
    PoseJob.Settings settings = new PoseJob.Settings(Pose.lite, parallelism, checkpointIntervalMs, STALL_TIMEOUT_S);
    List<ActionEvent> personEvents;
    try (PoseJob job = PoseJob.start(settings, modelFile, "vibstream demo " + camera, out)) {
      Table table = new Table(job, out);
      PoseJob.Result result = job.run(video, camera, maxFrames, new PoseJob.Listener() {
        long next = System.nanoTime() + refreshMs * 1_000_000;

        @Override
        public void event(ActionEvent e) {
          table.add(e);
        }

        @Override
        public void polled() {
          if (refreshMs > 0 && System.nanoTime() >= next) {
            table.print();
            next = System.nanoTime() + refreshMs * 1_000_000;
          }
        }
      });
      if (refreshMs > 0) {
        table.print();
      }
      personEvents = PeopleEvents.personEvents(result.events());
      out.printf(Locale.ROOT, "camera: published=%d frames; %d events committed (%.1f s)%n",
          result.camera().published(), personEvents.size(), job.seconds());
    }
    out.println(PeopleEvents.summary(personEvents));
    out.flush();
    return 0;
  }

  /** Each track's latest committed event and its event count. */
  private static final class Table {
    private final PoseJob job;
    private final PrintWriter out;
    private final Map<Long, ActionEvent> latest = new TreeMap<>();
    private final Map<Long, Integer> counts = new TreeMap<>();
    private int events;

    Table(PoseJob job, PrintWriter out) {
      this.job = job;
      this.out = out;
    }

    void add(ActionEvent e) {
      if (e.getTrackId() != null) {
        latest.put(e.getTrackId(), e);
        counts.merge(e.getTrackId(), 1, Integer::sum);
        events++;
      }
    }

    void print() {
      String status;
      try {
        status = job.status().toString();
      } catch (Exception e) {
        status = "?";
      }
      out.printf(Locale.ROOT, "--- %5.1f s  job %s  frames %d  events %d  tracks %d%n", job.seconds(), status,
          job.published(), events, latest.size());
      out.printf(Locale.ROOT, "%-6s %-14s %10s %-13s %7s%n", "track", "action", "confidence", "frames", "events");
      for (ActionEvent e : latest.values()) {
        out.printf(Locale.ROOT, "%-6d %-14s %10s %-13s %7d%n", e.getTrackId(), e.getLabel(),
            String.format(Locale.ROOT, "%.2f%s", e.getConfidence(), e.getUnsure() ? "?" : ""),
            e.getFirstSequenceNumber() + ".." + e.getLastSequenceNumber(), counts.get(e.getTrackId()));
      }
      out.flush();
    }
  }
}
