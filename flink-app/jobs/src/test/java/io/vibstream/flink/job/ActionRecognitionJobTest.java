package io.vibstream.flink.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.groups.Tuple.tuple;

import io.vibstream.flink.functions.ActionRecognizer;
import io.vibstream.flink.functions.MeanColorExtractor;
import io.vibstream.flink.functions.TestModels;
import io.vibstream.flink.records.FeatureFrame;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
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
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import javax.imageio.ImageIO;
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
 * The inference topology in memory, built through the job's constructor as a deployment builds it
 * with Kafka: a bounded source of JPEG frames from three cameras and one of model releases,
 * collecting sinks, a MiniCluster at parallelism 2, a test backbone; no broker. Each camera gets
 * exactly one event per stride once its first window is full, each scored by the model version
 * it names, and every recognizer subtask reports its decision on every release.
 */
class ActionRecognitionJobTest {
  private static final int CLIP = 8;
  private static final int STRIDE = 2;
  /** Frames of cam-b and cam-c; cam-a has twice as many. */
  private static final int M = 40;
  private static final long T0 = 1_750_000_000_000L;

  @RegisterExtension
  static final MiniClusterExtension FLINK = InMemory.miniCluster(2);

  @Test
  @Timeout(180)
  void everyCameraGetsOneEventPerStrideScoredByItsModelVersion() throws Exception {
    int dim = MeanColorExtractor.DIMENSION;
    byte[] v1 = TestModels.artifact(1, MeanColorExtractor.ID, dim, CLIP, 41);
    byte[] v2 = TestModels.artifact(2, MeanColorExtractor.ID, dim, CLIP, 42);
    byte[] otherBackbone = TestModels.artifact(3, "another-backbone", dim, CLIP, 43);
    List<ModelRelease> releases = List.of(TestModels.release(1, v1), TestModels.release(2, v2),
        TestModels.release(3, otherBackbone));

    String run = UUID.randomUUID().toString();
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.enableCheckpointing(500, CheckpointingMode.EXACTLY_ONCE);
    ActionRecognitionJob.Settings config = ActionRecognitionJob.Settings.defaults(null)
        .withParallelism(2)
        .withBatching(8, 20)
        .withStride(STRIDE);
    ActionRecognitionJob.Topology topology = new ActionRecognitionJob(
        new DataGeneratorSource<>(new ColorFrames(run + "/status"), 4L * M, new AvroTypeInfo<>(Frame.class)),
        new DataGeneratorSource<>(new InMemory.Releases(releases), releases.size(),
            new AvroTypeInfo<>(ModelRelease.class)),
        new InMemory.Collecting<>(run + "/events"), new InMemory.Collecting<>(run + "/dead"),
        new InMemory.Collecting<>(run + "/status"), config)
        .backbone(MeanColorExtractor.factory())
        .build(env);
    topology.features().sinkTo(new InMemory.Collecting<>(run + "/features")).name("features-sink")
        .uid("features-sink");
    env.execute("in-memory topology test");

    List<ActionEvent> events = InMemory.collected(run + "/events");
    List<FeatureFrame> features = InMemory.collected(run + "/features");
    List<ModelStatus> status = InMemory.collected(run + "/status");
    assertThat(InMemory.collected(run + "/dead")).isEmpty();

    Map<String, List<FeatureFrame>> frames = features.stream()
        .collect(Collectors.groupingBy(FeatureFrame::cameraId, TreeMap::new, Collectors.toList()));
    frames.values().forEach(l -> l.sort(Comparator.comparingLong(FeatureFrame::sequenceNumber)));
    Map<String, List<ActionEvent>> byCamera = events.stream()
        .collect(Collectors.groupingBy(ActionEvent::getCameraId, TreeMap::new, Collectors.toList()));
    byCamera.values().forEach(l -> l.sort(Comparator.comparingLong(ActionEvent::getLastSequenceNumber)));
    assertThat(byCamera.keySet()).containsExactly("cam-a", "cam-b", "cam-c");

    Map<Long, ModelArtifact> models = Map.of(1L, ModelArtifacts.fromBytes(v1, "v1"), 2L,
        ModelArtifacts.fromBytes(v2, "v2"));
    for (Map.Entry<String, List<ActionEvent>> camera : byCamera.entrySet()) {
      int length = camera.getKey().equals("cam-a") ? 2 * M : M;
      List<FeatureFrame> seen = frames.get(camera.getKey());
      assertThat(seen).extracting(FeatureFrame::sequenceNumber)
          .containsExactlyElementsOf(LongStream.range(0, length).boxed().toList());
      List<Long> ends = LongStream.iterate(CLIP - 1, e -> e < length, e -> e + STRIDE).boxed().toList();
      assertThat(camera.getValue()).as(camera.getKey()).extracting(ActionEvent::getLastSequenceNumber)
          .containsExactlyElementsOf(ends);
      long version = 0;
      for (ActionEvent e : camera.getValue()) {
        int last = (int) e.getLastSequenceNumber();
        List<FeatureFrame> window = seen.subList(last - CLIP + 1, last + 1);
        assertThat(e.getFirstSequenceNumber()).isEqualTo(last - CLIP + 1);
        assertThat(e.getWindowStart().toEpochMilli()).isEqualTo(window.get(0).captureTimestamp());
        assertThat(e.getWindowEnd().toEpochMilli()).isEqualTo(window.get(CLIP - 1).captureTimestamp());
        assertThat(e.getModelVersion()).as("versions never go back").isGreaterThanOrEqualTo(version).isIn(1L, 2L);
        version = e.getModelVersion();
        assertThat(TestModels.LABELS).contains(e.getLabel());
        assertThat(e.getConfidence()).isCloseTo(InMemory.confidence(models.get(version), window), offset(1e-4f));
        assertThat(e.getUnsure()).isEqualTo(e.getConfidence() < ActionRecognizer.DEFAULT_UNSURE_BELOW);
      }
    }
    ActionEvent lastEvent = events.stream().max(Comparator.comparing(ActionEvent::getWindowEnd)).orElseThrow();
    assertThat(lastEvent.getModelVersion()).isEqualTo(2);

    for (int subtask = 0; subtask < 2; subtask++) {
      int s = subtask;
      assertThat(status.stream().filter(st -> st.getSubtask() == s)).as("subtask %d", s)
          .extracting(ModelStatus::getVersion, ModelStatus::getStatus)
          .containsExactly(tuple(1L, ReleaseStatus.ACCEPTED), tuple(2L, ReleaseStatus.ACCEPTED),
              tuple(3L, ReleaseStatus.REFUSED));
    }
  }

  /**
   * 32x32 JPEG frames at 25 fps whose colors change with the frame, in two source splits of 2M
   * indices each (so every camera is read in order by one reader): cam-a, frames 0..2M-1; then
   * cam-b and cam-c, M frames each, interleaved. Each reader starts once both recognizer subtasks
   * serve model v1 (as a live job's cameras start once it serves a model): frames before any
   * model are dropped by design, which would shift the first windows.
   */
  static final class ColorFrames implements GeneratorFunction<Long, Frame> {
    private static final long serialVersionUID = 1L;
    private final String status;
    private boolean started;

    ColorFrames(String status) {
      this.status = status;
    }

    @Override
    public Frame map(Long index) throws Exception {
      if (!started) {
        InMemory.awaitAccepted(status, 1, 2, Duration.ofSeconds(60));
        started = true;
      }
      long i = index;
      String camera;
      long seq;
      if (i < 2 * M) {
        camera = "cam-a";
        seq = i;
      } else {
        long j = i - 2 * M;
        seq = j / 2;
        camera = j % 2 == 0 ? "cam-b" : "cam-c";
      }
      int shade = (int) ((seq * 37 + camera.hashCode()) & 0xff);
      BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = image.createGraphics();
      g.setColor(new Color(shade, 255 - shade, (shade * 3) & 0xff));
      g.fillRect(0, 0, 32, 32);
      g.setColor(new Color((shade + 128) & 0xff, shade, 64));
      g.fillRect(0, 0, 32, (int) (seq % 16) + 1);
      g.dispose();
      ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
      ImageIO.write(image, "jpg", jpeg);
      return Frame.newBuilder().setCameraId(camera).setSequenceNumber(seq)
          .setCaptureTimestamp(Instant.ofEpochMilli(T0 + seq * 40)).setWidth(32).setHeight(32)
          .setEncoding(ImageEncoding.JPEG).setImage(ByteBuffer.wrap(jpeg.toByteArray())).setGroundTruthLabel(null)
          .build();
    }
  }
}
