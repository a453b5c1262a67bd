package io.vibstream.cli;

import io.vibstream.local.people.EventCheck;
import io.vibstream.local.people.FrameRange;
import io.vibstream.local.people.Pose;
import io.vibstream.local.people.PoseMode;
import io.vibstream.local.people.PoseNoise;
import io.vibstream.local.people.ProportionsTable;
import io.vibstream.local.people.SyntheticReference;
import io.vibstream.local.people.TrackPass;
import io.vibstream.local.people.Tracks;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.pose.SkeletonProportions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream eval-people}: checks {@code recognize}'s per-person events on a video against
 * each track's own box motion ({@link EventCheck}, on the tracks of {@link TrackPass}, so track
 * ids are recognize's), and compares the real estimator's noise ({@link PoseNoise}) and skeleton
 * proportions ({@link ProportionsTable}) with synthetic training clips ({@link SyntheticReference}).
 */
@Command(name = "eval-people", mixinStandardHelpOptions = true, description = {
    "Evaluate recognize's per-person events on a video against each track's box motion (moving/standing), rescore "
        + "the windows with the model, and measure the pose estimator's jitter and visibility against synthetic "
        + "clips with EstimatorNoise.DEFAULT."})
final class PeopleEvalCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--video", required = true, paramLabel = "FILE", description = "the video recognize ran on")
  Path video;

  @Option(names = "--events", required = true, paramLabel = "LOG", description = "recognize's output (event lines)")
  Path events;

  @Option(names = "--model", paramLabel = "FILE.vib", description = "default: models/people/model.vib")
  Path model;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "writes events.csv, noise.csv and proportions.csv")
  Path out;

  @Option(names = "--moving", description = "moving at >= this speed, box heights/s (default: ${DEFAULT-VALUE})")
  double moving = 0.25;

  @Option(names = "--standing", description = "standing at <= this speed, box heights/s (default: ${DEFAULT-VALUE})")
  double standing = 0.05;

  @Option(names = "--far", description = "far persons: box height below this, px (default: ${DEFAULT-VALUE})")
  double far = 80;

  @Option(names = "--synthetic-clips", description = "synthetic walk, idle and run clips each (default: "
      + "${DEFAULT-VALUE})")
  int syntheticClips = 60;

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    Files.createDirectories(out);
    Path modelFile = model != null ? model : PeopleInputs.installation().resolve(PeopleInputs.SHIPPED_MODEL);
    ModelArtifact artifact = ModelArtifacts.read(modelFile);

    long started = System.nanoTime();
    Tracks tracks = TrackPass.run(video, PeopleInputs.defaultCameraId(video), FrameRange.ALL,
        PoseMode.estimators(Pose.lite), PoseMode.cameraTracking(Pose.lite));
    o.printf(Locale.ROOT, "pass: %d tracks over frames %d..%d (%.1f s)%n", tracks.byTrack().size(), tracks.first(),
        tracks.last(), (System.nanoTime() - started) / 1e9);

    EventCheck.Result check = EventCheck.run(tracks, artifact, Files.readAllLines(events), moving, standing);
    Files.writeString(out.resolve("events.csv"), check.csv());
    o.printf(Locale.ROOT, "events by motion class (moving >= %.2f h/s, standing <= %.2f h/s; net box-center "
        + "displacement over the window):%n", moving, standing);
    for (Map.Entry<String, Map<String, Integer>> e : check.table().entrySet()) {
      int n = e.getValue().values().stream().mapToInt(Integer::intValue).sum();
      o.printf(Locale.ROOT, "  %-36s n=%-4d walk=%5.1f%%  %s%n", e.getKey(), n,
          100.0 * e.getValue().getOrDefault("walk", 0) / n, e.getValue());
    }
    o.printf(Locale.ROOT, "events not matched to the pass's track frames: %d; rescored %d, offline label = job's "
        + "label in %d%n", check.unmatched(), check.rescored(), check.agree());

    PoseNoise noise = new PoseNoise(far);
    noise.add("real", tracks);
    Map<String, SkeletonProportions> proportions = new LinkedHashMap<>();
    SkeletonProportions real = proportions.computeIfAbsent("real", k -> new SkeletonProportions());
    tracks.byTrack().values().forEach(seen -> seen.forEach(s -> real.add(s.features())));
    Map<String, SyntheticReference.Motion> synthetic = SyntheticReference.measure(syntheticClips, noise, proportions);
    synthetic.forEach((label, m) -> o.printf(Locale.ROOT, "synthetic %s (DEFAULT noise, %d clips at 10 fps): net "
        + "speed %.3f h/s, mean per-frame |motion feature| %.3f h/s%n", label, m.clips(), m.speed(), m.motionFeature()));
    o.println("noise (RMS residual after a centered 5-frame moving average, fraction of box height; "
        + "invisible share = joints below visibility 0.5):");
    for (PoseNoise.Row r : noise.rows()) {
      o.printf(Locale.ROOT, "  %-22s %-5s %-16s n=%-7d %.4f%n", r.source(), r.size(), r.quantity(), r.n(), r.value());
    }
    Files.writeString(out.resolve("noise.csv"), noise.csv());
    ProportionsTable.write(proportions, o, out.resolve("proportions.csv"));
    o.flush();
    return 0;
  }
}
