package io.vibstream.cli;

import io.vibstream.connectors.kafka.AvroSerializer;
import io.vibstream.connectors.video.VideoFiles;
import io.vibstream.flink.job.RetrainKafkaWiring;
import io.vibstream.model.backbone.FeatureExtractor;
import io.vibstream.model.backbone.FeatureExtractors;
import io.vibstream.model.data.FeatureSequences;
import io.vibstream.schemas.LabeledClip;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vibstream label}: publishes labelled feature clips ({@link LabeledClip}) for the retrain
 * job, from a video run through a backbone or from a feature data set directory. Files carry no
 * capture clock, so a clip's timestamps are its file's last-modified time: publishing the same
 * clip again gives the same record (and the same validation side).
 */
@Command(name = "label", mixinStandardHelpOptions = true, description = {
    "Publish labelled clips to the training-clips topic for 'vibstream retrain': the frames of a video run through "
        + "a backbone (one clip labelled --label), or the clips of a feature data set directory as 'vibstream "
        + "extract' writes it (each with its own label; --label picks one).",
    "Keyed by camera id; timestamps are the file's last-modified time."})
final class LabelCommand implements Callable<Integer> {
  private static final int BACKBONE_BATCH = 32;

  @Spec
  CommandSpec spec;

  @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers")
  String bootstrap;

  @Option(names = "--label", paramLabel = "ACTION",
      description = "the action shown (required with --video); with --features-dir, publish only the clips labelled ACTION")
  String label;

  @Option(names = "--video", paramLabel = "FILE", description = "a video file FFmpeg decodes (with --backbone)")
  Path video;

  @Option(names = "--backbone", paramLabel = "SPEC",
      description = "builtin:FILE, MODEL.pt or MODEL.onnx (with MODEL.json beside it), run on the video's frames")
  String backbone;

  @Option(names = "--features-dir", paramLabel = "DIR",
      description = "a feature data set directory (dataset.json and clips/), instead of --video")
  Path featuresDir;

  @Option(names = "--camera-id", paramLabel = "ID",
      description = "camera id (default: the video's file name; a feature clip's source, else DIR#n)")
  String cameraId;

  @Option(names = "--from-frame", paramLabel = "A", description = "first frame of each clip, from 0 (default: ${DEFAULT-VALUE})")
  int fromFrame = 0;

  @Option(names = "--to-frame", paramLabel = "B", description = "last frame of each clip, inclusive (default: the last)")
  Integer toFrame;

  @Option(names = "--topic", description = "topic to publish to (default: ${DEFAULT-VALUE})")
  String topic = RetrainKafkaWiring.TRAINING_CLIPS;

  @Override
  public Integer call() throws Exception {
    if ((video == null) == (featuresDir == null) || (video != null) != (backbone != null)) {
      throw new IllegalArgumentException("give either --video FILE --backbone SPEC or --features-dir DIR");
    }
    if (fromFrame < 0 || (toFrame != null && toFrame < fromFrame)) {
      throw new IllegalArgumentException("need 0 <= --from-frame <= --to-frame, got " + fromFrame + " and " + toFrame);
    }
    List<LabeledClip> clips = video != null ? fromVideo() : fromFeatures(featuresDir);
    KafkaTopics.requireExisting(bootstrap, topic);
    publish(bootstrap, topic, clips);
    Map<String, Integer> byLabel = new TreeMap<>();
    clips.forEach(c -> byLabel.merge(c.getLabel(), 1, Integer::sum));
    PrintWriter out = spec.commandLine().getOut();
    out.printf("published %d clips %s of backbone %s (dimension %d) to %s%n", clips.size(), byLabel,
        clips.get(0).getBackboneId(), clips.get(0).getFeatureDim(), topic);
    out.flush();
    return 0;
  }

  private List<LabeledClip> fromVideo() throws Exception {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("--label ACTION is required with --video");
    }
    if (!Files.isRegularFile(video)) {
      throw new IllegalArgumentException(video + ": no such video file");
    }
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

  private List<LabeledClip> fromFeatures(Path dir) throws Exception {
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
  static void publish(String bootstrap, String topic, List<LabeledClip> clips) throws Exception {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
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
