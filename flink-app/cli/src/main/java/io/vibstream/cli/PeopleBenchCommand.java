package io.vibstream.cli;

import io.vibstream.connectors.kafka.EmbeddedKafka;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.flink.functions.PoseEstimatorFactory;
import io.vibstream.local.ModelRegistry;
import io.vibstream.local.bench.BalancedCameras;
import io.vibstream.local.bench.BenchEvents;
import io.vibstream.local.bench.PoseJobRun;
import io.vibstream.local.bench.PoseStageBench;
import io.vibstream.local.bench.RecordedFrames;
import io.vibstream.local.bench.SyntheticModels;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.schemas.ActionEvent;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream bench people}: the pose stage on real video (frames of a vtest-like clip, 768x576,
 * replayed as cameras that send JPEG), in one run:
 *
 * <ol>
 *   <li>the pose stage alone at the job's parallelism ({@link PoseStageBench}): persons/s, frames/s;
 *   <li>the whole pose-mode job ({@link PoseJobRun}: parallelism, exactly-once sinks, 1 s
 *       checkpoints, unaligned unless {@code --no-unaligned-checkpoints}, a random 53-dim model on
 *       {@code models}) over frames preloaded into Kafka, i.e. offered more than it can take:
 *       frames/s between its first and last event;
 *   <li>stepped load: for each offered rate (all cameras together) a fresh job and realtime
 *       cameras; after {@link PoseStageBench#PRIME_FRAMES} frames a camera at 10 fps (background
 *       learning) and {@code --warm-up-seconds}, not counted, then measured for {@code --step-seconds} or
 *       longer, until about {@code --min-events} events are expected (from the whole job's events a
 *       frame; at most {@code --max-step-seconds}), so a step's p99 is not the maximum of a few
 *       dozen samples: achieved frames/s, p50/p99 frame-to-event latency of the events whose window
 *       ends then.
 *       Stepping stops at the first step whose p99 exceeds {@code --bound-ms}; the result is the
 *       last step that held it (0 if none did).
 * </ol>
 *
 * Writes steps.csv and p99.png into {@code --out}. Last line:
 * {@code pose_persons_per_s=X job_fps=X fps_at_p99_250ms=X}.
 */
@Command(name = "people", mixinStandardHelpOptions = true,
    description = "Pose stage on real video: stage alone at the job's parallelism, whole job, stepped load vs p99.")
final class PeopleBenchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--video", description = "the scene (default: .media/vtest.avi of the installation)")
  Path video;

  @Option(names = "--scene-frames", description = "frames of the clip replayed in a loop (default: ${DEFAULT-VALUE})")
  int sceneFrames = 200;

  @Option(names = "--pose", description = "pose stage (default: ${DEFAULT-VALUE})")
  String pose = "pose:lite";

  @Option(names = "--cameras", description = "cameras (default: ${DEFAULT-VALUE})")
  int cameras = 2;

  @Option(names = "--parallelism", description = "job parallelism and pose instances (default: ${DEFAULT-VALUE})")
  int parallelism = 2;

  @Option(names = "--max-batch", description = "frames per pose call (default: ${DEFAULT-VALUE})")
  int maxBatch = 16;

  @Option(names = "--max-batch-wait-ms", description = "batch wait; the pose stage takes frames one by one, so "
      + "waiting only adds latency (default: ${DEFAULT-VALUE})")
  long maxBatchWaitMs = 0;

  @Option(names = "--clip", description = "clip length of the random model (default: ${DEFAULT-VALUE})")
  int clip = 8;

  @Option(names = "--stage-frames", description = "timed frames per camera, pose stage alone (default: ${DEFAULT-VALUE})")
  int stageFrames = 60;

  @Option(names = "--job-frames", description = "preloaded frames per camera, whole job (default: ${DEFAULT-VALUE})")
  int jobFrames = 150;

  @Option(names = "--steps", split = ",", description = "offered loads, frames/s of all cameras (default: 2,4,6,8,10,12,15,20)")
  List<Double> steps = List.of(2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 15.0, 20.0);

  @Option(names = "--step-seconds", description = "measured seconds per step (default: ${DEFAULT-VALUE})")
  double stepSeconds = 25;

  @Option(names = "--unaligned-checkpoints", negatable = true, description = "unaligned checkpoints: a barrier "
      + "overtakes the frames queued before it instead of holding the other inputs back (default: ${DEFAULT-VALUE})")
  boolean unaligned = true;

  @Option(names = "--min-events", description = "a step is measured until about this many events are expected, "
      + "so its p99 rests on enough samples (default: ${DEFAULT-VALUE})")
  int minEvents = 200;

  @Option(names = "--max-step-seconds", description = "longest measured time of a step (default: ${DEFAULT-VALUE})")
  double maxStepSeconds = 90;

  @Option(names = "--warm-up-seconds", description = "uncounted seconds per step after the cameras' background "
      + "frames (default: ${DEFAULT-VALUE})")
  double warmUpSeconds = 5;

  @Option(names = "--bound-ms", description = "p99 frame-to-event bound (default: ${DEFAULT-VALUE})")
  long boundMs = 250;

  @Option(names = "--out", description = "folder for steps.csv and p99.png (default: ${DEFAULT-VALUE})")
  Path out = Path.of("runs", "bench-people");

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    Path clipPath = video != null ? video : defaultVideo();
    List<VideoFrame> scene = RecordedFrames.read(clipPath, sceneFrames);
    String[] ids = BalancedCameras.ids(cameras, parallelism, parallelism);
    say(o, "scene: %s, %d frames %dx%d, %d cameras (%s), parallelism %d", clipPath.getFileName(), scene.size(),
        scene.get(0).image().getWidth(), scene.get(0).image().getHeight(), cameras, String.join(",", ids), parallelism);
    say(o, "(1) pose stage alone: %d estimators on %d threads, %d frames a camera ...", parallelism, parallelism,
        stageFrames);
    PoseStageBench.Result stage = PoseStageBench.run(PoseEstimatorFactory.spec(pose), scene, ids, parallelism,
        stageFrames, maxBatch);
    say(o, "(1) pose stage alone (%s, %d instances): %.1f frames/s, %.1f persons/s (%.1f persons a frame, %.0f ms a "
        + "batch of up to %d frames)", pose, parallelism, stage.framesPerS(), stage.personsPerS(),
        stage.personsPerFrame(), stage.msPerBatch(), maxBatch);
    Path dir = Files.createTempDirectory("vibstream-bench-people");
    List<PeopleBenchReport.Step> rows = new ArrayList<>();
    double jobFps;
    double fpsAtBound = 0;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic(Topic.MODELS.topicName(), 1, true);
      kafka.createTopic(Topic.FRAMES_DEAD_LETTER.topicName(), 1, false);
      kafka.createTopic(Topic.MODEL_STATUS.topicName(), 1, false);
      Path model = Files.write(dir.resolve("people.vib"),
          SyntheticModels.random(PersonFeatures.ID, PersonFeatures.DIMENSION, clip));
      ReleaseSigner signer = ReleaseSigner.generate(); // a throwaway key: the model is signed, the jobs trust it
      ModelRegistry.publish(kafka.bootstrapServers(), Topic.MODELS.topicName(), model, 1L, signer);
      PoseJobRun runs = new PoseJobRun(kafka, new PoseJobRun.Settings(pose, parallelism, maxBatch, maxBatchWaitMs,
          unaligned),
          scene, ids, signer.trustedKeys());
      say(o, "(2) whole job: %d frames a camera preloaded, job reading them all ...", jobFrames);
      PoseJobRun.Outcome all = runs.preloaded("all", jobFrames, Duration.ofSeconds(5), Duration.ofSeconds(300));
      long first = all.events().stream().mapToLong(BenchEvents::emittedMs).min().orElse(0);
      long last = all.events().stream().mapToLong(BenchEvents::emittedMs).max().orElse(0);
      jobFps = PoseJobRun.framesPerSecond(all.events(), first, last);
      say(o, "(2) whole job (pose mode, parallelism %d, exactly-once, 1 s %s checkpoints): %.1f frames/s (%d events; "
          + "pose %.0f ms a batch, %.1f frames a batch, %.1f persons a frame with background frames)", parallelism,
          unaligned ? "unaligned" : "aligned", jobFps,
          all.events().size(), all.poseMsMedian(), all.framesPerBatch(), all.personsPerFrame());
      double eventsPerFrame = all.events().size() / (double) (jobFrames * cameras);
      say(o, "(3) stepped load, at least %.0f s measured a step (until about %d events at %.2f events a frame, at "
          + "most %.0f s) after %d background frames a camera and %.0f s warm-up:", stepSeconds, minEvents,
          eventsPerFrame, maxStepSeconds, PoseStageBench.PRIME_FRAMES, warmUpSeconds);
      for (int i = 0; i < steps.size(); i++) {
        say(o, "    step %d/%d: %.1f fps offered (%d cameras at %.2f fps) ...", i + 1, steps.size(), steps.get(i),
            cameras, steps.get(i) / cameras);
        double seconds = Math.min(maxStepSeconds, Math.max(stepSeconds, minEvents / (steps.get(i) * eventsPerFrame)));
        PeopleBenchReport.Step s = step(runs, i, steps.get(i), seconds);
        rows.add(s);
        say(o, "    %s%n    %s", PeopleBenchReport.header(), PeopleBenchReport.row(s));
        if (s.p99() > boundMs || s.events() == 0) {
          say(o, "    p99 above %d ms (or no events) at %.1f fps: stopping", boundMs, s.offeredFps());
          break;
        }
        fpsAtBound = s.offeredFps();
      }
    } finally {
      BenchFiles.deleteTree(dir);
    }
    say(o, "(3) steps (persons/frame: the job's counters, the cameras' background frames included):%n    %s",
        PeopleBenchReport.header());
    rows.forEach(r -> say(o, "    %s", PeopleBenchReport.row(r)));
    PeopleBenchReport.write(out, rows, boundMs, "p99 frame-to-event latency vs offered load (" + pose + ", "
        + cameras + " cameras, parallelism " + parallelism + ")");
    say(o, "where the time goes: pose stage %.0f ms a batch alone, %.1f persons a frame; per step above; "
        + "wrote %s and %s", stage.msPerBatch(), stage.personsPerFrame(), out.resolve("steps.csv"),
        out.resolve("p99.png"));
    say(o, "pose_persons_per_s=%.1f job_fps=%.1f fps_at_p99_%dms=%.1f", stage.personsPerS(), jobFps, boundMs,
        fpsAtBound);
    return 0;
  }

  private PeopleBenchReport.Step step(PoseJobRun runs, int index, double offered, double seconds) throws Exception {
    double perCamera = offered / cameras;
    PoseJobRun.Outcome r = runs.live("step" + index, perCamera, PoseStageBench.PRIME_FRAMES,
        warmUpSeconds + seconds, Duration.ofSeconds(3));
    long from = r.camerasStartMs() + Math.round((PoseStageBench.PRIME_FRAMES / 10.0 + warmUpSeconds) * 1000);
    long to = from + Math.round(seconds * 1000);
    List<Long> latencies = new ArrayList<>();
    for (ActionEvent e : r.events()) {
      long end = e.getWindowEnd().toEpochMilli();
      if (end >= from && end <= to) {
        latencies.add(e.getLatencyMs());
      }
    }
    return new PeopleBenchReport.Step(offered, PoseJobRun.framesPerSecond(r.events(), from, to),
        BenchEvents.percentile(latencies, 50), BenchEvents.percentile(latencies, 99), latencies.size(),
        r.poseMsMedian(), r.personsPerFrame());
  }

  private static void say(PrintWriter o, String format, Object... args) {
    o.println(String.format(Locale.ROOT, format, args));
    o.flush();
  }

  /** .media/vtest.avi under the installation ({@code vibstream.home}) or the first folder above with bin/setup. */
  static Path defaultVideo() {
    String home = System.getProperty("vibstream.home");
    for (Path d = home != null ? Path.of(home) : Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("bin/setup"))) {
        return d.resolve(".media/vtest.avi");
      }
    }
    return Path.of(".media/vtest.avi");
  }
}
