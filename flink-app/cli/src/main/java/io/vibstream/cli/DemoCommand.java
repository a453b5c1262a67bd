package io.vibstream.cli;

import io.vibstream.connectors.kafka.Topic;
import io.vibstream.local.CommittedOutputs;
import io.vibstream.local.LocalStack;
import io.vibstream.local.bench.CameraFleet;
import io.vibstream.local.demo.DemoScore;
import io.vibstream.local.demo.ScriptedCamera;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.backbone.FeatureExtractor;
import io.vibstream.model.backbone.FeatureExtractors;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.ModelRelease;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream demo}: everything in one process ({@link LocalStack}): the action recognition job
 * (exactly-once events every checkpoint), scripted synthetic cameras ({@link ScriptedCamera}), the
 * model published signed through the {@code models} topic; a live table of the committed events and
 * at the end {@code accuracy=PCT events=N frames=N p50_ms=N p99_ms=N} ({@link DemoScore}). The model
 * is the shipped demo model, or one trained once and cached ({@link DemoModelRecipe}); {@code --video
 * FILE} runs a real video instead ({@link DemoVideo}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run everything locally (Kafka, Flink job, scripted synthetic cameras), show live events and "
        + "print accuracy=PCT events=N frames=N p50_ms=N p99_ms=N; with --video FILE, a real video through the "
        + "pose-mode job instead, printing tracks=N events=N labels=LABEL:COUNT,...")
final class DemoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DemoVideo videoMode;

  @Mixin
  DemoModelRecipe recipe;

  @Option(names = "--cameras", description = "synthetic cameras (default: ${DEFAULT-VALUE})")
  int cameras = 2;

  @Option(names = "--duration", description = "how long the cameras run, e.g. 60s, 2m, 500ms (default: ${DEFAULT-VALUE})")
  String duration = "60s";

  @Option(names = "--model", paramLabel = "FILE.vib", description = "model to publish (default: the shipped demo "
      + "model in models/demo/, or with --cache the cached one; with --video, models/people/model.vib)")
  Path model;

  @Option(names = "--backbone", paramLabel = "SPEC", description = "backbone of --model, e.g. builtin:FILE")
  String backbone;

  @Option(names = "--cache", paramLabel = "DIR", description = "train the demo model (once) and cache it here "
      + "instead of using the shipped one (default without a shipped model: ~/.cache/vibstream/demo)")
  Path cache;

  @Option(names = "--size", paramLabel = "WxH", description = "camera frame size, the size the model's data set was "
      + "rendered at (default: ${DEFAULT-VALUE})")
  String size = "112x112";

  @Option(names = "--fps", description = "camera frame rate, that of the training clips (default: ${DEFAULT-VALUE})")
  double fps = 25;

  @Option(names = "--parallelism", description = "job parallelism (default: ${DEFAULT-VALUE})")
  int parallelism = 2;

  @Option(names = "--max-batch", description = "frames per backbone call (default: ${DEFAULT-VALUE})")
  int maxBatch = 16;

  @Option(names = "--max-batch-wait-ms", description = "longest a frame waits for its batch (default: ${DEFAULT-VALUE})")
  long maxBatchWaitMs = 20;

  @Option(names = "--stride", description = "frames between events per camera, 0 = clip length / 4 (default: ${DEFAULT-VALUE})")
  int stride = 0;

  @Option(names = "--checkpoint-interval-ms", description = "checkpoints; events are committed at each "
      + "(default: ${DEFAULT-VALUE})")
  long checkpointIntervalMs = 1000;

  @Option(names = "--refresh-ms", description = "live table refresh (default: ${DEFAULT-VALUE}); 0 = no table")
  long refreshMs = 2000;

  @Option(names = "--seed", description = "seed of the camera scripts (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--min-action-s", description = "shortest scripted action in seconds (default: ${DEFAULT-VALUE})")
  int minActionSeconds = 3;

  @Option(names = "--max-action-s", description = "longest scripted action in seconds (default: ${DEFAULT-VALUE})")
  int maxActionSeconds = 5;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Duration runFor = parseDuration(duration);
    if (videoMode.requested()) {
      return videoMode.run(spec, runFor, model, parallelism, checkpointIntervalMs, refreshMs);
    }
    if (cameras < 1 || parallelism < 1) {
      throw new IllegalArgumentException("--cameras and --parallelism must be >= 1");
    }
    if ((model == null) != (backbone == null)) {
      throw new IllegalArgumentException("give both --model and --backbone, or neither (the cached demo model)");
    }
    Path modelFile = model;
    String backboneSpec = backbone;
    Path shipped = System.getProperty("vibstream.home") == null ? null
        : Path.of(System.getProperty("vibstream.home"), "models", "demo");
    if (modelFile == null && cache == null && shipped != null && Files.isRegularFile(shipped.resolve("model.vib"))
        && Files.isRegularFile(shipped.resolve("backbone.cnn"))) {
      modelFile = shipped.resolve("model.vib");
      backboneSpec = "builtin:" + shipped.resolve("backbone.cnn");
      out.printf("using the shipped demo model %s (%s lists the commands that built it; --cache DIR trains one)%n",
          modelFile, shipped.resolve("README.md"));
    } else if (modelFile == null) {
      Path dir = cache != null ? cache : Path.of(System.getProperty("user.home"), ".cache", "vibstream", "demo");
      modelFile = recipe.ensure(dir, size, fps, minActionSeconds, maxActionSeconds, out, spec.commandLine().getErr());
      backboneSpec = "builtin:" + dir.resolve("backbone.bin");
    }
    ModelArtifact artifact = ModelArtifacts.read(modelFile);
    List<String> labels = artifact.manifest().labels();
    try (FeatureExtractor extractor = FeatureExtractors.open(backboneSpec)) {
      out.printf(Locale.ROOT, "model %s: version %d, %d actions, clip %d frames, LSTM %d -> %d hidden; backbone %s "
          + "(input %dx%d, dimension %d); cameras %s at %.0f fps%n", modelFile, artifact.manifest().version(),
          labels.size(), artifact.manifest().clipLength(), artifact.manifest().originalHiddenSize(),
          artifact.manifest().hiddenSize(), extractor.id(), extractor.inputWidth(), extractor.inputHeight(),
          extractor.dimension(), size, fps);
    }
    out.flush();

    List<ScriptedCamera> runs = new ArrayList<>();
    Random scripts = new Random(seed);
    for (int i = 0; i < cameras; i++) {
      String script = ScriptedCamera.script(labels, scripts, minActionSeconds, maxActionSeconds);
      runs.add(new ScriptedCamera("cam" + i, seed * 1000 + i + 1, script));
    }
    List<DemoScore.Seen> events = new ArrayList<>();
    long frames;
    long started = System.nanoTime();
    DemoTable table = new DemoTable(out, runs, started);
    try (LocalStack stack = LocalStack.start(parallelism)) {
      out.printf(Locale.ROOT, "kafka on %s (%.1f s)%n", stack.bootstrap(), (System.nanoTime() - started) / 1e9);
      out.flush();
      StreamExecutionEnvironment env = stack.flink().environment();
      env.enableCheckpointing(checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
      stack.job(JobCommand.config(backboneSpec, parallelism, maxBatch, maxBatchWaitMs, stride)
          .withWatermarks(Duration.ofMillis(200), Duration.ofSeconds(1))).build(env);
      JobID job = stack.flink().submit(env, "vibstream demo");
      try {
        ModelRelease release = stack.publishModel(modelFile, null);
        out.printf(Locale.ROOT, "job %s submitted (parallelism %d, checkpoints every %d ms); model version %d "
            + "published to '%s', signed by a throwaway key that only this job trusts%n", job, parallelism,
            checkpointIntervalMs, release.getVersion(), Topic.MODELS.topicName());
        runs.forEach(run -> out.printf("%s: synth://%s script %s%n", run.name(), run.name(), run.script()));
        out.flush();
        try (CommittedOutputs outputs = stack.outputs().onRecord(r -> {
              if (r instanceof ActionEvent e) {
                events.add(new DemoScore.Seen(e, System.currentTimeMillis()));
              }
            });
            CameraFleet fleet = CameraFleet.start(runs.stream().map(r -> r.camera(stack.bootstrap(), size, fps))
                .toList(), "demo-camera")) {
          long end = System.nanoTime() + runFor.toNanos();
          long nextTable = System.nanoTime() + refreshMs * 1_000_000;
          while (System.nanoTime() < end) {
            outputs.readFor(Duration.ofMillis(200));
            fleet.checkRunning(); // a camera that failed fails the demo
            if (refreshMs > 0 && System.nanoTime() >= nextTable) {
              table.print(events, fleet.published(), stack.flink().status(job).toString());
              nextTable = System.nanoTime() + refreshMs * 1_000_000;
            }
          }
          fleet.stop(Duration.ofSeconds(30));
          // the last windows: processed, then committed at the next checkpoints
          outputs.readFor(Duration.ofMillis(3 * checkpointIntervalMs + 2000));
          frames = fleet.published();
          if (refreshMs > 0) {
            table.print(events, frames, stack.flink().status(job).toString());
          }
        }
      } finally {
        stack.flink().cancel(job, Duration.ofSeconds(30));
      }
    }
    table.summary(DemoScore.of(runs, events), events.size(), frames, checkpointIntervalMs);
    return 0;
  }

  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      } else if (t.endsWith("m")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--duration must look like 60s, 2m or 500ms, got '" + text + "'");
    }
  }
}
