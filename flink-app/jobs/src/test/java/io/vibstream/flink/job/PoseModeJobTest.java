package io.vibstream.flink.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.vibstream.flink.functions.ActionRecognizer;
import io.vibstream.flink.functions.MeanColorExtractor;
import io.vibstream.flink.functions.TestModels;
import io.vibstream.flink.functions.VtestClip;
import io.vibstream.flink.records.FeatureFrame;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.ReleaseStatus;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pose-mode topology in memory, built through the job's constructor: bounded sources of real
 * video frames (vtest.avi, JPEG) and of model releases, collecting sinks, a MiniCluster, the real
 * BlazePose estimator and person tracker; no Kafka. Each event is checked against the per-person
 * feature frames the recognizer read: one per stride per track, scored by its model version.
 */
class PoseModeJobTest {
  private static final int CLIP = 8;
  private static final int STRIDE = 2;
  private static final int M = 50;
  private static final long T0 = 1_750_000_000_000L;

  @RegisterExtension
  static final MiniClusterExtension FLINK = InMemory.miniCluster(2);

  @Test
  @Timeout(240)
  void peopleInRealVideoGetOneEventPerStridePerTrack() throws Exception {
    byte[] v1 = TestModels.artifact(1, PersonFeatures.ID, PersonFeatures.DIMENSION, CLIP, 31);
    byte[] v2 = TestModels.artifact(2, PersonFeatures.ID, PersonFeatures.DIMENSION, CLIP, 32,
        new int[] {0, 1, 2, 3, 34, 35, 51, 52}, 6);
    byte[] cameraModel = TestModels.artifact(3, MeanColorExtractor.ID, MeanColorExtractor.DIMENSION, CLIP, 33);
    List<ModelRelease> releases = List.of(TestModels.release(1, v1), TestModels.release(2, v2),
        TestModels.release(3, cameraModel));

    String run = UUID.randomUUID().toString();
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false); // no Kryo anywhere in the job
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.enableCheckpointing(500, CheckpointingMode.EXACTLY_ONCE);
    ActionRecognitionJob.Settings config = ActionRecognitionJob.Settings.defaults("pose:lite")
        .withParallelism(2)
        .withBatching(8, 20)
        .withStride(STRIDE);
    assertThat(config.poseMode()).isTrue();
    ActionRecognitionJob.Topology topology = new ActionRecognitionJob(
        new DataGeneratorSource<>(new VideoFrames(run + "/status"), 4L * M, new AvroTypeInfo<>(Frame.class)),
        new DataGeneratorSource<>(new InMemory.Releases(releases), releases.size(), new AvroTypeInfo<>(ModelRelease.class)),
        new InMemory.Collecting<>(run + "/events"), new InMemory.Collecting<>(run + "/dead"),
        new InMemory.Collecting<>(run + "/status"),
        config).build(env);
    topology.features().sinkTo(new InMemory.Collecting<>(run + "/features")).name("features-sink").uid("features-sink");
    env.execute("pose mode test");

    List<ActionEvent> events = InMemory.collected(run + "/events");
    List<FeatureFrame> features = InMemory.collected(run + "/features");
    List<ModelStatus> status = InMemory.collected(run + "/status");
    assertThat(InMemory.collected(run + "/dead")).isEmpty();

    // Tracks: the real estimator and tracker found people in both cameras, nobody in the empty one.
    Map<String, List<FeatureFrame>> tracks = features.stream().filter(f -> !f.endsTrack())
        .collect(Collectors.groupingBy(FeatureFrame::key, TreeMap::new, Collectors.toList()));
    tracks.values().forEach(l -> l.sort(Comparator.comparingLong(FeatureFrame::sequenceNumber)));
    assertThat(features).extracting(FeatureFrame::cameraId).doesNotContain("cam-empty");
    assertThat(features.stream().filter(f -> !f.endsTrack()).map(FeatureFrame::features))
        .allSatisfy(f -> assertThat(f).hasSize(PersonFeatures.DIMENSION));
    assertThat(tracks.keySet().stream().map(k -> k.substring(0, k.indexOf('/'))).distinct())
        .containsExactlyInAnyOrder("cam-a", "cam-b");

    // Events: exactly the windows of each track's frames, one per stride, each scored by its model.
    Map<Long, ModelArtifact> models = Map.of(1L, ModelArtifacts.fromBytes(v1, "v1"), 2L,
        ModelArtifacts.fromBytes(v2, "v2"));
    assertThat(events).extracting(ActionEvent::getCameraId).doesNotContain("cam-empty");
    Map<String, List<ActionEvent>> byTrack = events.stream()
        .collect(Collectors.groupingBy(e -> FeatureFrame.key(e.getCameraId(), e.getTrackId()), TreeMap::new,
            Collectors.toList()));
    byTrack.values().forEach(l -> l.sort(Comparator.comparingLong(ActionEvent::getLastSequenceNumber)));
    int withEvents = 0;
    for (Map.Entry<String, List<FeatureFrame>> track : tracks.entrySet()) {
      List<FeatureFrame> frames = track.getValue();
      List<ActionEvent> got = byTrack.getOrDefault(track.getKey(), List.of());
      assertThat(got).as(track.getKey()).extracting(ActionEvent::getLastSequenceNumber)
          .containsExactlyElementsOf(expectedEventEnds(frames, config));
      withEvents += got.isEmpty() ? 0 : 1;
      long version = 0;
      for (ActionEvent e : got) {
        int last = indexOf(frames, e.getLastSequenceNumber());
        List<FeatureFrame> window = frames.subList(last - CLIP + 1, last + 1);
        FeatureFrame end = window.get(CLIP - 1);
        assertThat(e.getFirstSequenceNumber()).isEqualTo(window.get(0).sequenceNumber());
        assertThat(e.getWindowStart().toEpochMilli()).isEqualTo(window.get(0).captureTimestamp());
        assertThat(e.getWindowEnd().toEpochMilli()).isEqualTo(end.captureTimestamp());
        assertThat(e.getBox().getX()).isEqualTo(end.box().x());
        assertThat(e.getBox().getY()).isEqualTo(end.box().y());
        assertThat(e.getBox().getWidth()).isEqualTo(end.box().width());
        assertThat(e.getBox().getHeight()).isEqualTo(end.box().height());
        assertThat(e.getModelVersion()).as("versions never go back").isGreaterThanOrEqualTo(version).isIn(1L, 2L);
        version = e.getModelVersion();
        assertThat(e.getConfidence()).isCloseTo(InMemory.confidence(models.get(version), window), offset(1e-4f));
        assertThat(e.getUnsure()).isEqualTo(e.getConfidence() < ActionRecognizer.DEFAULT_UNSURE_BELOW);
      }
    }
    assertThat(withEvents).as("tracks with events").isGreaterThanOrEqualTo(2);
    assertThat(byTrack.keySet()).isSubsetOf(tracks.keySet());
    ActionEvent lastEvent = events.stream().max(Comparator.comparing(ActionEvent::getWindowEnd)).orElseThrow();
    assertThat(lastEvent.getModelVersion()).isEqualTo(2);

    // Every recognizer subtask took v1 and v2 and refused the per-camera model.
    for (int subtask = 0; subtask < 2; subtask++) {
      int s = subtask;
      assertThat(status.stream().filter(st -> st.getSubtask() == s)).extracting(ModelStatus::getVersion,
          ModelStatus::getStatus).containsExactly(org.assertj.core.groups.Tuple.tuple(1L, ReleaseStatus.ACCEPTED),
          org.assertj.core.groups.Tuple.tuple(2L, ReleaseStatus.ACCEPTED),
          org.assertj.core.groups.Tuple.tuple(3L, ReleaseStatus.REFUSED));
    }
    System.out.printf("pose mode: %d tracks, %d with events, %d events, %d feature frames%n", tracks.size(),
        withEvents, events.size(), features.size());
  }

  /**
   * The last sequence numbers of the events the recognizer's rules give for one track's frames:
   * runs split where more than maxSequenceGap frames or maxTimeGap are missing; in a run, the
   * first full window and then one every stride.
   */
  private static List<Long> expectedEventEnds(List<FeatureFrame> frames, ActionRecognitionJob.Settings config) {
    List<Long> ends = new ArrayList<>();
    int runStart = 0;
    for (int i = 0; i < frames.size(); i++) {
      if (i > 0 && (frames.get(i).sequenceNumber() - frames.get(i - 1).sequenceNumber() - 1 > config.maxSequenceGap()
          || frames.get(i).captureTimestamp() - frames.get(i - 1).captureTimestamp()
              > config.maxTimeGap().toMillis())) {
        runStart = i;
      }
      int inRun = i - runStart + 1;
      if (inRun >= CLIP && (inRun - CLIP) % STRIDE == 0) {
        ends.add(frames.get(i).sequenceNumber());
      }
    }
    return ends;
  }

  private static int indexOf(List<FeatureFrame> frames, long seq) {
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i).sequenceNumber() == seq) {
        return i;
      }
    }
    throw new AssertionError("no frame " + seq);
  }

  /**
   * JPEG frames at 10 fps, in two source splits of 2M indices each (so every camera is read in
   * order by one reader): cam-a, vtest frames 0..2M-1; then cam-b (vtest frames 400..) and
   * cam-empty (a gray wall nobody walks past), interleaved.
   */
  static final class VideoFrames implements GeneratorFunction<Long, Frame> {
    private static final long serialVersionUID = 1L;
    private static final int CAM_B_FROM = 400;
    private transient List<byte[]> jpegs;
    private transient byte[] gray;
    private transient int width;
    private transient int height;
    private final String status;

    VideoFrames(String status) {
      this.status = status;
    }

    /** Decodes the clip, then waits until both recognizer subtasks serve model v1 (frames before any model are dropped). */
    @Override
    public void open(SourceReaderContext readerContext) throws Exception {
      jpegs = new ArrayList<>();
      for (BufferedImage image : VtestClip.read(0, CAM_B_FROM + M - 1)) {
        int i = jpegs.size();
        jpegs.add(i < 2 * M || i >= CAM_B_FROM ? jpeg(image) : null);
        width = image.getWidth();
        height = image.getHeight();
      }
      InMemory.awaitAccepted(status, 1, 2, Duration.ofSeconds(60));
      BufferedImage wall = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = wall.createGraphics();
      g.setColor(new Color(128, 128, 128));
      g.fillRect(0, 0, width, height);
      g.dispose();
      gray = jpeg(wall);
    }

    @Override
    public Frame map(Long index) {
      long i = index;
      String camera;
      long seq;
      byte[] image;
      if (i < 2 * M) {
        camera = "cam-a";
        seq = i;
        image = jpegs.get((int) i);
      } else {
        long j = i - 2 * M;
        seq = j / 2;
        camera = j % 2 == 0 ? "cam-b" : "cam-empty";
        image = j % 2 == 0 ? jpegs.get(CAM_B_FROM + (int) seq) : gray;
      }
      return Frame.newBuilder().setCameraId(camera).setSequenceNumber(seq)
          .setCaptureTimestamp(Instant.ofEpochMilli(T0 + seq * 100)).setWidth(width).setHeight(height)
          .setEncoding(ImageEncoding.JPEG).setImage(ByteBuffer.wrap(image)).setGroundTruthLabel(null).build();
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "jpg", out);
      return out.toByteArray();
    }
  }
}
