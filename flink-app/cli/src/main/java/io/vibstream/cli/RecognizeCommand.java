package io.vibstream.cli;

import io.vibstream.connectors.annotate.AnnotatedVideoWriter;
import io.vibstream.connectors.camera.CameraPublisher;
import io.vibstream.local.people.AnnotationPass;
import io.vibstream.local.people.Pose;
import io.vibstream.local.people.PoseJob;
import io.vibstream.local.people.PoseMode;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.pose.PoseModels;
import io.vibstream.schemas.ActionEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream recognize}: action recognition of the people in a video file through the same
 * job the demo runs ({@link PoseJob}: embedded Kafka, the job in pose mode on a local Flink
 * cluster, the file as a camera at its own frame rate). Each committed per-person event is printed
 * as it arrives; the last line is {@code tracks=N events=N labels=LABEL:COUNT,...}. {@code --out}/
 * {@code --montage} then draw the people and labels ({@link AnnotationPass}).
 */
@Command(name = "recognize", mixinStandardHelpOptions = true,
    description = {"Recognize the actions of the people in a video file: embedded Kafka, the action recognition "
        + "job in pose mode on a local Flink cluster, the file published as a camera; prints each person's events "
        + "as they are committed and a last line tracks=N events=N labels=LABEL:COUNT,...",
        "The file is published at its own frame rate (the tracker and the motion features read capture times), so "
        + "a run lasts at least the video's length.",
        "--out/--montage draw the people by running the job's pose estimator and tracker again over the frames "
        + "the job read: the same frames in the same order give the same people and track ids as in the job "
        + "(tracking is deterministic; two estimator instances find the same people, joints equal up to float "
        + "rounding), and the run checks each event's box against this pass's. Each event's label and confidence "
        + "is drawn on its track over the event's frames (first..last); an unsure label is gray with a '?'."})
public final class RecognizeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--video", required = true, paramLabel = "FILE", description = "the video file")
  Path video;

  @Option(names = "--out", paramLabel = "FILE.mp4", description = "write the annotated video here (H.264; .mp4, "
      + ".mov, .mkv or .avi; the input's size and frame rate)")
  Path out;

  @Option(names = "--montage", paramLabel = "FILE.png", description = "write a grid of annotated frames sampled "
      + "evenly, with frame numbers")
  Path montage;

  @Option(names = "--montage-frames", description = "frames in the montage (default: ${DEFAULT-VALUE})")
  int montageFrames = 12;

  @Option(names = "--montage-width", description = "montage tile width in pixels (default: ${DEFAULT-VALUE})")
  int montageWidth = 384;

  @Option(names = "--model", paramLabel = "FILE.vib", description = "the action model (default: models/people/"
      + "model.vib of the installation)")
  Path model;

  @Option(names = "--pose", description = "BlazePose landmark model: ${COMPLETION-CANDIDATES} (default: "
      + "${DEFAULT-VALUE})")
  Pose pose = Pose.lite;

  @Option(names = "--max-frames", description = "publish only the first N frames (default: all)")
  long maxFrames;

  @Option(names = "--camera-id", description = "the camera id of the file's frames (default: the file name "
      + "without extension)")
  String cameraId;

  @Option(names = "--parallelism", description = "job parallelism (default: ${DEFAULT-VALUE})")
  int parallelism = 2;

  @Option(names = "--checkpoint-interval-ms", description = "checkpoints; events are committed at each "
      + "(default: ${DEFAULT-VALUE})")
  long checkpointIntervalMs = 1000;

  @Option(names = "--stall-timeout-s", description = "fail if the job reads no frame for this long "
      + "(default: ${DEFAULT-VALUE})")
  long stallTimeoutSeconds = 180;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    validate();
    String camera = cameraId != null ? cameraId : PeopleInputs.defaultCameraId(video);
    PeopleInputs.Probe probe;
    Path modelFile;
    ModelArtifact artifact;
    try {
      probe = PeopleInputs.probe(video);
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "--video " + PeopleInputs.oneLine(e));
    }
    try {
      modelFile = PeopleInputs.model(model);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    try {
      artifact = PeopleInputs.personModel(modelFile);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--model " + e.getMessage());
    }
    PoseModels poseModels = PoseModels.locate();
    poseModels.landmark(pose.landmark); // verified now: a missing or altered file fails here, in one line
    stdout.printf(Locale.ROOT, "video %s: %dx%d at %.2f fps%s; camera '%s'; model %s (%d actions, clip %d "
        + "frames); pose %s (%s)%n", video, probe.width(), probe.height(), probe.fps(),
        maxFrames > 0 ? ", first " + maxFrames + " frames" : "", camera, modelFile,
        artifact.manifest().labels().size(), artifact.manifest().clipLength(), pose, poseModels.folder());
    stdout.flush();

    PoseJob.Settings settings = new PoseJob.Settings(pose, parallelism, checkpointIntervalMs, stallTimeoutSeconds);
    List<ActionEvent> personEvents;
    try (PoseJob job = PoseJob.start(settings, modelFile, "vibstream recognize " + camera, stdout)) {
      PoseJob.Result result = job.run(video, camera, maxFrames, e -> {
        if (e.getTrackId() != null) {
          stdout.println(PeopleEvents.eventLine(e));
          stdout.flush();
        }
      });
      CameraPublisher.Stats stats = result.camera();
      stdout.printf(Locale.ROOT, "camera: captured=%d published=%d dropped=%d failed=%d; %d events committed "
          + "(%.1f s)%n", stats.captured(), stats.published(), stats.dropped(), stats.failed(), result.events().size(),
          job.seconds());
      stdout.flush();
      personEvents = PeopleEvents.personEvents(result.events());
      if (out != null || montage != null) {
        AnnotationPass pass = new AnnotationPass(PoseMode.estimators(pose),
            () -> PoseMode.cameraTracking(pose), out, montage, montageFrames, montageWidth);
        print(pass.run(job.bootstrap(), camera, personEvents, stats.published(), probe.width(), probe.height(),
            probe.fps()), probe, personEvents.size(), stdout);
      }
    }
    stdout.println(PeopleEvents.summary(personEvents));
    stdout.flush();
    return 0;
  }

  private void print(AnnotationPass.Drawing d, PeopleInputs.Probe probe, int events, PrintWriter stdout) {
    if (d.codec() != null) {
      stdout.printf(Locale.ROOT, "annotated video %s: %d frames %dx%d at %.2f fps (%s)%n", out, d.frames(),
          probe.width(), probe.height(), probe.fps(), d.codec());
    }
    if (d.montageTiles() > 0) {
      stdout.printf(Locale.ROOT, "montage %s: %d frames %s%n", montage, d.montageTiles(),
          Arrays.toString(d.montageFrames()));
    }
    stdout.printf(Locale.ROOT, "skeletons: %d frames, %d tracks; %d of %d events' boxes equal this pass's box of "
        + "their track in their last frame%s (%.1f s)%n", d.frames(), d.tracks(), d.agreeing(), events,
        d.undecodable() > 0 ? "; " + d.undecodable() + " undecodable frames skipped" : "", d.seconds());
    stdout.flush();
  }

  /** Paths and numbers, before anything starts; a wrong one fails in one line. */
  private void validate() {
    if (!Files.exists(video)) {
      throw new ParameterException(spec.commandLine(), "--video " + video + ": no such file");
    }
    if (!Files.isRegularFile(video) || !Files.isReadable(video)) {
      throw new ParameterException(spec.commandLine(), "--video " + video + ": not a readable file");
    }
    if (out != null) {
      try {
        AnnotatedVideoWriter.format(out);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--out " + e.getMessage());
      }
      requireFolder("--out", out);
    }
    if (montage != null) {
      if (!montage.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
        throw new ParameterException(spec.commandLine(), "--montage " + montage + ": must end in .png");
      }
      requireFolder("--montage", montage);
    }
    if (model != null && !Files.isRegularFile(model)) {
      throw new ParameterException(spec.commandLine(), "--model " + model + ": no such file");
    }
    if (maxFrames < 0 || parallelism < 1 || checkpointIntervalMs < 10 || stallTimeoutSeconds < 1
        || montageFrames < 1 || montageWidth < 16) {
      throw new ParameterException(spec.commandLine(), "--max-frames must be >= 0, --parallelism and "
          + "--montage-frames >= 1, --checkpoint-interval-ms >= 10, --stall-timeout-s >= 1, --montage-width >= 16");
    }
    if (cameraId != null && cameraId.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--camera-id must not be blank");
    }
  }

  private void requireFolder(String option, Path file) {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new ParameterException(spec.commandLine(), option + " " + file + ": no such folder " + parent);
    }
  }
}
