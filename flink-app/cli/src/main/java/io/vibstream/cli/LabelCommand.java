package io.vibstream.cli;

import io.vibstream.connectors.camera.CameraOptions;
import io.vibstream.connectors.camera.CameraSource;
import io.vibstream.connectors.camera.ImageEncoder;
import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.kafka.KafkaClientConfig;
import io.vibstream.connectors.kafka.Topic;
import io.vibstream.connectors.video.VideoFiles;
import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.flink.functions.DecodeFunction;
import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.model.backbone.FeatureExtractor;
import io.vibstream.model.backbone.FeatureExtractors;
import io.vibstream.model.data.FeatureSequences;
import io.vibstream.model.pose.CameraTracking;
import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.model.pose.PersonTracker;
import io.vibstream.model.pose.PoseEstimator;
import io.vibstream.model.pose.PoseFrame;
import io.vibstream.model.pose.TrackedFeatures;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import io.vibstream.schemas.LabeledClip;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream label}: publishes labelled feature clips ({@link LabeledClip}) for the retrain
 * job, from a video run through a backbone, from one tracked person of a video, or from a feature
 * data set directory. Files carry no capture clock, so a clip's timestamps are its file's
 * last-modified time (plus, for a person, the frames' video time): publishing the same clip again
 * gives the same record (and the same validation side).
 *
 * <p>A person ({@code --track ID}) is labelled as the pose-mode job sees the file as a camera
 * ({@code vibstream recognize}): every frame from the first, JPEG-encoded as the camera publishes
 * it and decoded as the job decodes it, through the job's estimator and tracker settings
 * ({@link PoseMode}) and per-person feature step ({@link TrackedFeatures}), so
 * track ids are recognize's and the clip holds the {@link PersonFeatures} vectors the job would
 * feed the recognizer for that track over the range (the frames it was seen in).
 */
@Command(name = "label", mixinStandardHelpOptions = true, description = {
    "Publish labelled clips to the training-clips topic for 'vibstream retrain': the frames of a video run through "
        + "a backbone (one clip labelled --label), one person of a video (--track ID: the pose-mode job's estimator, "
        + "tracker and per-person features, one clip of the frames the track is seen in), or the clips of a feature "
        + "data set directory as 'vibstream extract' writes it (each with its own label; --label picks one).",
    "--list-tracks prints the people tracked in the range instead (recognize's track ids).",
    "Keyed by camera id; timestamps are the file's last-modified time."})
final class LabelCommand implements Callable<Integer> {
  private static final int BACKBONE_BATCH = 32;
  private static final int JPEG_QUALITY = 80; // the camera publisher's

  @Spec
  CommandSpec spec;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (required, except with --list-tracks)")
  String bootstrap;

  @Mixin
  KafkaClientOptions kafka = new KafkaClientOptions();

  @Option(names = "--label", paramLabel = "ACTION",
      description = "the action shown (required with --video); with --features-dir, publish only the clips labelled ACTION")
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
    List<LabeledClip> clips = person ? List.of(fromTrack())
        : video != null ? fromVideo(from) : fromFeatures(featuresDir, from);
    KafkaTopics.requireExisting(bootstrap, kafka.config, topic);
    publish(bootstrap, kafka.config, topic, clips);
    Map<String, Integer> byLabel = new TreeMap<>();
    clips.forEach(c -> byLabel.merge(c.getLabel(), 1, Integer::sum));
    PrintWriter out = spec.commandLine().getOut();
    out.printf("published %d clips %s of backbone %s (dimension %d) to %s%n", clips.size(), byLabel,
        clips.get(0).getBackboneId(), clips.get(0).getFeatureDim(), topic);
    out.flush();
    return 0;
  }

  private List<LabeledClip> fromVideo(int fromFrame) throws Exception {
    requireLabel();
    requireVideo();
    Instant modified = modified(video);
    try (FeatureExtractor extractor = FeatureExtractors.open(backbone)) {
      List<BufferedImage> frames = VideoFiles.readFrames(video, extractor.inputWidth(), extractor.inputHeight(),
          toFrame == null ? 0 : toFrame + 1);
      if (frames.size() <= fromFrame) {
        throw new IllegalArgumentException(video + " has " + frames.size() + " frames, --from-frame " + fromFrame
            + " is past its end");
      }
      float[][] features = extractor.extract(frames.subList(fromFrame, frames.size()), BACKBONE_BATCH);
      String camera = cameraId != null ? cameraId : video.getFileName().toString();
      return List.of(clip(camera, modified, label, features, extractor.id()));
    }
  }

  private static Instant modified(Path file) throws IOException {
    return Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.MILLIS);
  }

  private void requireLabel() {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("--label ACTION is required with --video");
    }
  }

  private void requireVideo() {
    if (!Files.isRegularFile(video)) {
      throw new IllegalArgumentException(video + ": no such video file");
    }
  }

  private List<LabeledClip> fromFeatures(Path dir, int fromFrame) throws Exception {
    FeatureSequences.Info info = FeatureSequences.readInfo(dir);
    if (label != null && !info.labels().contains(label)) {
      throw new IllegalArgumentException(dir + " has no clips labelled '" + label + "' (labels: " + info.labels() + ")");
    }
    Instant modified = modified(dir.resolve(FeatureSequences.INDEX_FILE));
    List<FeatureSequences.StoredClip> stored = FeatureSequences.clips(dir);
    List<LabeledClip> clips = new ArrayList<>();
    for (int i = 0; i < stored.size(); i++) {
      FeatureSequences.StoredClip s = stored.get(i);
      float[][] frames = s.frames();
      if ((label == null || label.equals(s.label())) && frames.length > fromFrame) {
        int end = toFrame == null ? frames.length : Math.min(frames.length, toFrame + 1);
        String camera = cameraId != null ? cameraId : s.source() != null ? s.source() : dir.getFileName() + "#" + i;
        clips.add(clip(camera, modified, s.label(), Arrays.copyOfRange(frames, fromFrame, end), info.backboneId()));
      }
    }
    if (clips.isEmpty()) {
      throw new IllegalArgumentException(dir + " has no clip " + (label == null ? "" : "labelled '" + label + "' ")
          + "longer than --from-frame " + fromFrame);
    }
    return clips;
  }

  /** One tracked person in one frame: its features, box and pose. */
  record Seen(long frame, long timestampMs, float[] features, PersonBox box, PersonPose pose) {}

  /** The tracks seen in frames {@code first..last} of a video, each in frame order. */
  record Tracks(int first, int last, Map<Long, List<Seen>> byTrack) {}

  private void listTracks() throws Exception {
    Tracks t = track();
    PrintWriter out = spec.commandLine().getOut();
    for (Map.Entry<Long, List<Seen>> e : t.byTrack().entrySet()) {
      List<Seen> seen = e.getValue();
      double x = 0;
      double y = 0;
      double w = 0;
      double h = 0;
      for (Seen s : seen) {
        x += s.box().x();
        y += s.box().y();
        w += s.box().width();
        h += s.box().height();
      }
      int n = seen.size();
      out.printf(Locale.ROOT, "track=%d frames=%d..%d seen=%d box=%.0f,%.0f,%.0fx%.0f%n", e.getKey(),
          seen.get(0).frame(), seen.get(n - 1).frame(), n, x / n, y / n, w / n, h / n);
    }
    out.printf(Locale.ROOT, "tracks=%d frames=%d..%d%n", t.byTrack().size(), t.first(), t.last());
    out.flush();
  }

  private LabeledClip fromTrack() throws Exception {
    requireLabel();
    Tracks t = track();
    List<Seen> seen = t.byTrack().get(track);
    if (seen == null) {
      throw new IllegalArgumentException("track " + track + " is not in frames " + t.first() + ".." + t.last() + " of "
          + video + " (tracks there: " + (t.byTrack().isEmpty() ? "none" : t.byTrack().keySet()) + ")");
    }
    float[][] features = new float[seen.size()][];
    for (int i = 0; i < features.length; i++) {
      features[i] = seen.get(i).features();
    }
    Instant modified = modified(video);
    String camera = (cameraId != null ? cameraId : PeopleInputs.defaultCameraId(video)) + "/track-" + track;
    LabeledClip clip = clip(camera, modified, label, features, PersonFeatures.ID);
    clip.setStartTimestamp(modified.plusMillis(seen.get(0).timestampMs()));
    clip.setEndTimestamp(modified.plusMillis(seen.get(seen.size() - 1).timestampMs()));
    return clip;
  }

  /**
   * Runs the video from its first frame to the range's end through the job's pose stage and
   * keeps what every confirmed track was seen as in the range.
   */
  Tracks track() throws Exception {
    requireVideo();
    Pose variant = pose != null ? pose : Pose.lite;
    String camera = PeopleInputs.defaultCameraId(video);
    Map<Long, List<Seen>> byTrack = new TreeMap<>();
    try (CameraSource source = CameraSource.open(video.toString(), CameraOptions.defaults());
        ImageEncoder jpeg = ImageEncoder.defaultJpeg(JPEG_QUALITY);
        PoseEstimator estimator = PoseMode.estimator(variant)) {
      double fps = source.frameRate() > 0 && source.frameRate() < 1000 ? source.frameRate() : 25;
      int first = fromTime != null ? (int) Math.ceil(seconds(fromTime, "--from") * fps - 1e-6)
          : fromFrame == null ? 0 : fromFrame;
      int last = toTime != null ? (int) Math.floor(seconds(toTime, "--to") * fps + 1e-6)
          : toFrame == null ? Integer.MAX_VALUE : toFrame;
      if (last < first) {
        throw new IllegalArgumentException("the range is empty: frames " + first + ".." + last + " at "
            + String.format(Locale.ROOT, "%.2f", fps) + " fps");
      }
      if (first > 0 && first >= VideoFiles.frameCount(video)) { // before minutes of pose estimation
        throw new IllegalArgumentException(video + " has " + VideoFiles.frameCount(video) + " frames, the range's "
            + "first frame " + first + " is past its end");
      }
      CameraTracking tracking = PoseMode.cameraTracking(variant);
      long previousMs = Long.MIN_VALUE;
      int n = 0;
      for (VideoFrame f; n <= last && (f = source.next()) != null; n++) {
        long ms = f.timestampMicros() / 1000;
        long ts = previousMs == Long.MIN_VALUE ? Math.max(0, ms)
            : ms > previousMs ? ms : previousMs + Math.round(1000 / fps);
        previousMs = ts;
        DecodedFrame d = DecodeFunction.decode(Frame.newBuilder().setCameraId(camera).setSequenceNumber(n)
            .setCaptureTimestamp(Instant.ofEpochMilli(ts)).setWidth(f.image().getWidth())
            .setHeight(f.image().getHeight()).setEncoding(ImageEncoding.JPEG)
            .setImage(ByteBuffer.wrap(jpeg.encode(f.image()))).setGroundTruthLabel(null).build(),
            PersonFeatures.DIMENSION);
        PoseFrame frame = new PoseFrame(camera, n, ts, d.width(), d.height(), d.bgr());
        List<PersonPose> found = estimator.estimate(List.of(frame)).get(0);
        CameraTracking.Step step = tracking.update(n, ts, found);
        if (n >= first && step != null) {
          for (PersonTracker.TrackedPerson p : step.persons()) {
            byTrack.computeIfAbsent(p.trackId(), k -> new ArrayList<>())
                .add(new Seen(n, ts, TrackedFeatures.of(p, ts), p.pose().box(), p.pose()));
          }
        }
      }
      if (n <= first) {
        throw new IllegalArgumentException(video + " has " + n + " frames, the range's first frame " + first
            + " is past its end");
      }
      return new Tracks(first, Math.min(last, n - 1), byTrack);
    }
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

  private static LabeledClip clip(String camera, Instant time, String label, float[][] frames, String backboneId) {
    List<Float> features = new ArrayList<>(frames.length * frames[0].length);
    for (float[] frame : frames) {
      for (float f : frame) {
        features.add(f);
      }
    }
    return LabeledClip.newBuilder().setCameraId(camera).setStartTimestamp(time).setEndTimestamp(time).setLabel(label)
        .setFeatureDim(frames[0].length).setFeatures(features).setFrames(null).setBackboneId(backboneId).build();
  }

  /** Publishes {@code clips} keyed by camera id (idempotent, acks=all) and waits until every one is written. */
  static void publish(String bootstrap, KafkaClientConfig client, String topic, List<LabeledClip> clips)
      throws Exception {
    Map<String, Object> config = client.merge(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000));
    try (KafkaProducer<String, LabeledClip> producer = new KafkaProducer<>(config, new StringSerializer(),
        new AvroSerializer<>())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (LabeledClip clip : clips) {
        sent.add(producer.send(new ProducerRecord<>(topic, clip.getCameraId(), clip)));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
    }
  }
}
