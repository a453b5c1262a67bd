package io.vibstream.cli;

import io.vibstream.connectors.synth.SyntheticCamera;
import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.flink.job.ActionRecognitionJob;
import io.vibstream.flink.job.KafkaWiring;
import io.vibstream.local.LocalStack;
import io.vibstream.local.bench.CameraFleet;
import io.vibstream.local.bench.RecordedFrames;
import io.vibstream.local.bench.ReplaySource;
import io.vibstream.local.people.Pose;
import io.vibstream.local.people.PoseMode;
import io.vibstream.local.soak.Soak;
import io.vibstream.local.soak.StrideCheck;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.schemas.ActionEvent;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream soak}: the job on a {@link LocalStack} (exactly-once events, realtime cameras)
 * for a long time ({@link Soak}), its samples of memory, events per second and lag written as a
 * CSV and a plot ({@link SoakReport}), then the check that nothing was lost ({@link StrideCheck}).
 * Synthetic cameras run the demo model; {@code --video} replays a real scene through the pose stage.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
    description = "Run the embedded pipeline for a long time, sample memory, events/s and lag into soak.csv and "
        + "soak.png, and check that no event was lost; the last line is rss_start_mb=X rss_end_mb=X ... lost=N")
final class SoakCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--cameras", description = "cameras (default: ${DEFAULT-VALUE})")
  int cameras = 16;

  @Option(names = "--duration", converter = DurationConverter.class, description = "how long the cameras run "
      + "(default: ${DEFAULT-VALUE})")
  Duration duration = Duration.ofMinutes(10);

  @Option(names = "--warm-up", converter = DurationConverter.class, description = "samples before this are not "
      + "judged (default: ${DEFAULT-VALUE})")
  Duration warmUp = Duration.ofMinutes(2);

  @Option(names = "--sample-every", converter = DurationConverter.class, description = "(default: ${DEFAULT-VALUE})")
  Duration sampleEvery = Duration.ofSeconds(5);

  @Option(names = "--fps", description = "frames per second of each camera (default: ${DEFAULT-VALUE})")
  double fps = 5;

  @Option(names = "--size", paramLabel = "WxH", description = "synthetic camera frame size (default: ${DEFAULT-VALUE})")
  String size = "112x112";

  @Option(names = "--model", paramLabel = "FILE.vib", description = "model (default: models/demo/model.vib, with "
      + "--video models/people/model.vib)")
  Path model;

  @Option(names = "--backbone", paramLabel = "SPEC", description = "backbone of a synthetic --model (default: "
      + "builtin:models/demo/backbone.cnn)")
  String backbone;

  @Option(names = "--video", paramLabel = "FILE", description = "replay this real scene through the pose stage "
      + "instead of synthetic cameras (e.g. .media/vtest.avi)")
  Path video;

  @Option(names = "--scene-frames", description = "with --video: frames of the scene replayed in a loop "
      + "(default: ${DEFAULT-VALUE})")
  int sceneFrames = 150;

  @Option(names = "--pose", description = "with --video: lite or full (default: ${DEFAULT-VALUE})")
  Pose pose = Pose.lite;

  @Option(names = "--parallelism", description = "(default: ${DEFAULT-VALUE})")
  int parallelism = 2;

  @Option(names = "--checkpoint-interval-ms", description = "(default: ${DEFAULT-VALUE})")
  long checkpointIntervalMs = 1000;

  @Option(names = "--out", description = "soak.csv and soak.png go here (default: ${DEFAULT-VALUE})")
  Path outDir = Path.of("runs", "soak");

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (cameras < 1 || parallelism < 1 || fps <= 0 || duration.isZero() || sampleEvery.toMillis() < 100) {
      throw new IllegalArgumentException("--cameras, --parallelism, --fps and --duration must be > 0 and "
          + "--sample-every at least 100ms");
    }
    Path home = PeopleInputs.installation();
    Path modelFile = video != null ? PeopleInputs.model(model)
        : model != null ? model : home.resolve("models/demo/model.vib");
    String backboneSpec = backbone != null ? backbone : "builtin:" + home.resolve("models/demo/backbone.cnn");
    if (video != null && !Files.isRegularFile(video)) {
      throw new IllegalArgumentException(video + " not found");
    }
    if (!Files.isRegularFile(modelFile)) {
      throw new IllegalArgumentException(modelFile + " not found");
    }
    var manifest = ModelArtifacts.read(modelFile).manifest();
    int stride = Math.max(1, manifest.clipLength() / 4);
    ActionRecognitionJob.Settings config = (video != null ? PoseMode.config(pose, parallelism)
        : JobCommand.config(backboneSpec, parallelism, 16, 20, stride))
        .withStride(stride)
        // a soak checks for loss, so a camera's window never resets for a slow frame
        .withGapLimits(2, Duration.ofMinutes(1));
    List<VideoFrame> scene = video == null ? List.of() : RecordedFrames.read(video, sceneFrames);
    Files.createDirectories(outDir);
    List<Soak.Sample> rows;
    List<ActionEvent> events;
    Map<String, Long> published = new TreeMap<>();
    long failed = 0;
    long deadLetters;
    try (LocalStack stack = LocalStack.start(parallelism)) {
      StreamExecutionEnvironment env = stack.flink().environment();
      env.enableCheckpointing(checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
      KafkaWiring wiring = stack.wiring();
      wiring.job(config).trustedKeys(stack.signer().trustedKeys()).build(env);
      JobID job = stack.flink().submit(env, "vibstream soak");
      try (Soak soak = new Soak(stack, job, wiring.groupId())) {
        soak.awaitServing(stack.publishModel(modelFile, null).getVersion(), parallelism);
        out.printf(Locale.ROOT, "soak: %d %s cameras at %.1f fps for %s, model %s (clip %d, stride %d), job %s%n",
            cameras, video == null ? "synthetic" : video.getFileName() + " replay", fps, duration, modelFile,
            manifest.clipLength(), stride, job);
        out.flush();
        List<CameraFleet.Camera> sources = new ArrayList<>();
        for (int c = 0; c < cameras; c++) {
          String id = "cam" + c;
          int offset = c * scene.size() / cameras;
          String url = "synth://" + id + "?seed=" + (c + 1) + "&fps=" + fps + "&size=" + size + "&script="
              + script(manifest.labels(), c) + "&realtime=true&loop=true";
          sources.add(new CameraFleet.Camera(id, Soak.blockingPublisher(stack.bootstrap(), id), () -> video != null
              ? new ReplaySource(scene, fps, offset, 0, fps) : SyntheticCamera.open(url)));
        }
        ProgressLine progress = new ProgressLine(System.err, "soak", "s");
        try (CameraFleet fleet = CameraFleet.start(sources, "soak-camera")) {
          rows = soak.sample(fleet, duration, sampleEvery, row -> progress.update(Math.min((long) row.seconds(),
              duration.toSeconds()), duration.toSeconds(), String.format(Locale.ROOT, "events %d, lag %d frames, "
              + "rss %d MB", row.events(), row.lagFrames(), row.memory().rssBytes() >> 20)));
          fleet.stop(Duration.ofMinutes(2));
          progress.update(duration.toSeconds(), duration.toSeconds(), "cameras stopped");
          out.println("cameras stopped; draining until the job has committed every frame ...");
          out.flush();
          soak.drain(Duration.ofMillis(3 * checkpointIntervalMs + 2000));
          fleet.stats().forEach((camera, s) -> published.put(camera, s.published()));
          failed = fleet.stats().values().stream().mapToLong(s -> s.dropped() + s.failed()).sum();
        }
        events = soak.events();
        deadLetters = soak.deadLetters();
      }
      stack.flink().cancel(job, Duration.ofSeconds(30));
    }
    String loss;
    boolean exact;
    if (video == null) {
      StrideCheck.Result check = StrideCheck.check(published, events, manifest.clipLength(), stride);
      loss = String.format(Locale.ROOT, "expected=%d lost=%d duplicates=%d unexpected=%d", check.expected(),
          check.lost(), check.duplicates(), check.unexpected());
      exact = check.exact();
    } else {
      // tracks start and end with the people, so only repeats can be told apart from the scene's own gaps
      Set<String> windows = new HashSet<>();
      long duplicates = events.stream().filter(e -> !windows.add(e.getCameraId() + "/" + e.getTrackId() + "/"
          + e.getLastSequenceNumber())).count();
      loss = String.format(Locale.ROOT, "duplicates=%d", duplicates);
      exact = duplicates == 0;
    }
    SoakReport report = new SoakReport(rows, warmUp.toSeconds());
    report.write(outDir.resolve("soak.csv"), outDir.resolve("soak.png"));
    long frames = published.values().stream().mapToLong(Long::longValue).sum();
    out.printf(Locale.ROOT, "frames published %d (dropped or failed %d), events %d, dead letters %d, %s%n", frames,
        failed, events.size(), deadLetters, loss);
    out.printf(Locale.ROOT, "wrote %s and %s%n", outDir.resolve("soak.csv"), outDir.resolve("soak.png"));
    out.println(report.summary() + " events=" + events.size() + " " + loss);
    out.flush();
    return exact && failed == 0 && deadLetters == 0 ? 0 : 1;
  }

  /** Every label of the model for 4 s, in an order that differs per camera. */
  private static String script(List<String> labels, int camera) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      parts.add(labels.get((i + camera) % labels.size()) + ":4");
    }
    return String.join(",", parts);
  }
}
