package io.vibstream.cli;

import io.vibstream.connectors.kafka.ClipPublisher;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.connectors.video.LabeledClips;
import io.vibstream.local.people.FrameRange;
import io.vibstream.local.people.Pose;
import io.vibstream.local.people.PoseMode;
import io.vibstream.local.people.TrackPass;
import io.vibstream.local.people.Tracks;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.schemas.LabeledClip;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream label}: publishes labeled feature clips for the retrain job, built by
 * {@link LabeledClips} from a video run through a backbone or from a feature data set directory,
 * or by {@link TrackPass} from one person of a video as the pose-mode job tracks it (so track ids
 * are {@code recognize}'s), and published with {@link ClipPublisher}.
 */
@Command(name = "label", mixinStandardHelpOptions = true, description = {
    "Publish labeled clips to the training-clips topic for 'vibstream retrain': the frames of a video run through "
        + "a backbone (one clip labeled --label), one person of a video (--track ID: the pose-mode job's estimator, "
        + "tracker and per-person features, one clip of the frames the track is seen in), or the clips of a feature "
        + "data set directory as 'vibstream extract' writes it (each with its own label; --label picks one).",
    "--list-tracks prints the people tracked in the range instead (recognize's track ids).",
    "Keyed by camera id; timestamps are the file's last-modified time."})
final class LabelCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (required, except with --list-tracks)")
  String bootstrap;

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Option(names = "--label", paramLabel = "ACTION",
      description = "the action shown (required with --video); with --features-dir, publish only the clips labeled ACTION")
  String label;

  @Option(names = "--video", paramLabel = "FILE", description = "a video file FFmpeg decodes (with --backbone, "
      + "--track or --list-tracks)")
  Path video;

  @Option(names = "--track", paramLabel = "ID", description = "label this tracked person of the video (its pose "
      + "features, dimension " + PersonFeatures.DIMENSION + ", backbone " + PersonFeatures.ID + ")")
  Long track;

  @Option(names = "--list-tracks", description = "print the people tracked in the range (id, first/last frame, mean "
      + "box) and publish nothing")
  boolean listTracks;

  @Option(names = "--pose", description = "with --track/--list-tracks, the BlazePose landmark model: "
      + "${COMPLETION-CANDIDATES} (default: lite)")
  Pose pose;

  @Option(names = "--from", paramLabel = "TIME", description = "with --track/--list-tracks, the range's start in "
      + "video time (3.5s, 800ms), instead of --from-frame")
  String fromTime;

  @Option(names = "--to", paramLabel = "TIME", description = "with --track/--list-tracks, the range's end in video "
      + "time, inclusive, instead of --to-frame")
  String toTime;

  @Option(names = "--backbone", paramLabel = "SPEC",
      description = "builtin:FILE, MODEL.pt or MODEL.onnx (with MODEL.json beside it), run on the video's frames")
  String backbone;

  @Option(names = "--features-dir", paramLabel = "DIR",
      description = "a feature data set directory (dataset.json and clips/), instead of --video")
  Path featuresDir;

  @Option(names = "--camera-id", paramLabel = "ID",
      description = "camera id (default: the video's file name; for --track, NAME/track-ID with NAME the file name "
          + "without extension; a feature clip's source, else DIR#n)")
  String cameraId;

  @Option(names = "--from-frame", paramLabel = "A", description = "first frame of each clip, from 0 (default: 0)")
  Integer fromFrame;

  @Option(names = "--to-frame", paramLabel = "B", description = "last frame of each clip, inclusive (default: the last)")
  Integer toFrame;

  @Option(names = "--topic", description = "topic to publish to (default: ${DEFAULT-VALUE})")
  String topic = Topic.TRAINING_CLIPS.topicName();

  @Override
  public Integer call() throws Exception {
    boolean person = track != null || listTracks;
    if ((video == null) == (featuresDir == null) || (video != null) != (backbone != null || person)
        || (backbone != null && person) || (track != null && listTracks)) {
      throw new IllegalArgumentException("give either --video FILE --backbone SPEC or --features-dir DIR, or "
          + "--video FILE with --track ID or --list-tracks");
    }
    if (!person && (pose != null || fromTime != null || toTime != null)) {
      throw new IllegalArgumentException("--pose, --from and --to go with --track or --list-tracks");
    }
    if ((fromTime != null && fromFrame != null) || (toTime != null && toFrame != null)) {
      throw new IllegalArgumentException("give a range in frames (--from-frame/--to-frame) or in time (--from/--to), "
          + "not both");
    }
    int from = fromFrame == null ? 0 : fromFrame;
    if (from < 0 || (toFrame != null && toFrame < from)) {
      throw new IllegalArgumentException("need 0 <= --from-frame <= --to-frame, got " + from + " and " + toFrame);
    }
    if (bootstrap == null && !listTracks) {
      throw new ParameterException(spec.commandLine(), "Missing required option: '--bootstrap=HOST:PORT'");
    }
    if (listTracks) {
      listTracks();
      return 0;
    }
    if (video != null && (label == null || label.isBlank())) {
      throw new IllegalArgumentException("--label ACTION is required with --video");
    }
    List<LabeledClip> clips = person ? List.of(fromTrack())
        : video != null ? List.of(LabeledClips.fromVideo(video, backbone, label, cameraId, from, toFrame))
        : LabeledClips.fromFeatures(featuresDir, label, cameraId, from, toFrame);
    KafkaTopics.requireExisting(bootstrap, kafka.config, topic);
    ClipPublisher.publish(bootstrap, kafka.config, topic, clips);
    Map<String, Integer> byLabel = new TreeMap<>();
    clips.forEach(c -> byLabel.merge(c.getLabel(), 1, Integer::sum));
    PrintWriter out = spec.commandLine().getOut();
    out.printf("published %d clips %s of backbone %s (dimension %d) to %s%n", clips.size(), byLabel,
        clips.get(0).getBackboneId(), clips.get(0).getFeatureDim(), topic);
    out.flush();
    return 0;
  }

  private void listTracks() throws Exception {
    Tracks t = track();
    PrintWriter out = spec.commandLine().getOut();
    for (Map.Entry<Long, List<Tracks.Seen>> e : t.byTrack().entrySet()) {
      List<Tracks.Seen> seen = e.getValue();
      double[] box = Tracks.meanBox(seen);
      out.printf(Locale.ROOT, "track=%d frames=%d..%d seen=%d box=%.0f,%.0f,%.0fx%.0f%n", e.getKey(),
          seen.get(0).frame(), seen.get(seen.size() - 1).frame(), seen.size(), box[0], box[1], box[2], box[3]);
    }
    out.printf(Locale.ROOT, "tracks=%d frames=%d..%d%n", t.byTrack().size(), t.first(), t.last());
    out.flush();
  }

  private LabeledClip fromTrack() throws Exception {
    String camera = (cameraId != null ? cameraId : PeopleInputs.defaultCameraId(video)) + "/track-" + track;
    return track().clip(track, camera, label);
  }

  /** The people of the video over the range, as the pose-mode job tracks them. */
  private Tracks track() throws Exception {
    Pose variant = pose != null ? pose : Pose.lite;
    FrameRange range = new FrameRange(fromFrame, toFrame, fromTime == null ? null : seconds(fromTime, "--from"),
        toTime == null ? null : seconds(toTime, "--to"));
    return TrackPass.run(video, PeopleInputs.defaultCameraId(video), range,
        PoseMode.estimators(variant), PoseMode.cameraTracking(variant));
  }

  /** {@code 3.5s}, {@code 800ms} or {@code 3.5} (seconds) in seconds, >= 0. */
  static double seconds(String time, String option) {
    String t = time.strip().toLowerCase(Locale.ROOT);
    double scale = 1;
    if (t.endsWith("ms")) {
      t = t.substring(0, t.length() - 2);
      scale = 1e-3;
    } else if (t.endsWith("s")) {
      t = t.substring(0, t.length() - 1);
    }
    double value;
    try {
      value = Double.parseDouble(t.strip()) * scale;
    } catch (NumberFormatException e) {
      value = Double.NaN;
    }
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(option + " " + time + ": not a time >= 0 such as 3.5s or 800ms");
    }
    return value;
  }
}
