package io.vibstream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.flink.records.FeatureFrame;
import io.vibstream.flink.records.FrameBatch;
import io.vibstream.model.backbone.BackboneIdentity;
import io.vibstream.model.backbone.BuiltinCnnTrainer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackboneOperatorTest {
  private static DecodedFrame solid(String camera, long seq, Color color) {
    BufferedImage img = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
    var g = img.getGraphics();
    g.setColor(color);
    g.fillRect(0, 0, 8, 6);
    return DecodedFrame.of(camera, seq, 5000 + seq, img);
  }

  @Test
  void oneExtractCallPerBatchAndOneFeatureFramePerFrame() throws Exception {
    int opened = MeanColorExtractor.OPEN.get();
    BackboneIdentity identity = new BackboneIdentity(MeanColorExtractor.ID, MeanColorExtractor.DIMENSION);
    try (var h = new OneInputStreamOperatorTestHarness<FrameBatch, FeatureFrame>(
        new BackboneOperator(MeanColorExtractor.factory(), identity))) {
      h.open();
      assertThat(MeanColorExtractor.OPEN.get()).isEqualTo(opened + 1);
      int calls = MeanColorExtractor.EXTRACT_CALLS.get();
      h.processElement(new FrameBatch(new DecodedFrame[] {solid("a", 0, Color.RED), solid("b", 3, Color.BLUE),
          solid("a", 1, Color.WHITE)}), 5001);
      assertThat(MeanColorExtractor.EXTRACT_CALLS.get()).isEqualTo(calls + 1);
      var out = h.extractOutputStreamRecords();
      assertThat(out).extracting(r -> r.getValue().cameraId() + ":" + r.getValue().sequenceNumber())
          .containsExactly("a:0", "b:3", "a:1");
      assertThat(out).extracting(StreamRecord::getTimestamp).containsExactly(5000L, 5003L, 5001L);
      assertThat(out.get(0).getValue().features()).containsExactly(1f, 0f, 0f, 1f / 3);
      assertThat(out.get(1).getValue().features()).containsExactly(0f, 0f, 1f, 1f / 3);
    }
    assertThat(MeanColorExtractor.OPEN.get()).isEqualTo(opened);
  }

  private static DecodedFrame features(String camera, long seq, float... values) {
    return DecodedFrame.ofFeatures(camera, seq, 5000 + seq, 0, 0, values);
  }

  @Test
  void featureFramesPassThroughWithoutCallingTheExtractor() throws Exception {
    BackboneIdentity identity = new BackboneIdentity(MeanColorExtractor.ID, MeanColorExtractor.DIMENSION);
    try (var h = new OneInputStreamOperatorTestHarness<FrameBatch, FeatureFrame>(
        new BackboneOperator(MeanColorExtractor.factory(), identity))) {
      h.open();
      int calls = MeanColorExtractor.EXTRACT_CALLS.get();
      h.processElement(new FrameBatch(new DecodedFrame[] {features("a", 0, 1f, 2f, 3f, 4f),
          features("b", 7, 5f, 6f, 7f, 8f)}), 5007);
      assertThat(MeanColorExtractor.EXTRACT_CALLS.get()).isEqualTo(calls);
      var out = h.extractOutputStreamRecords();
      assertThat(out).extracting(r -> r.getValue().cameraId() + ":" + r.getValue().sequenceNumber())
          .containsExactly("a:0", "b:7");
      assertThat(out).extracting(StreamRecord::getTimestamp).containsExactly(5000L, 5007L);
      assertThat(out.get(0).getValue().features()).containsExactly(1f, 2f, 3f, 4f);
      assertThat(out.get(1).getValue().features()).containsExactly(5f, 6f, 7f, 8f);
    }
  }

  @Test
  void aMixedBatchSendsOnlyItsImagesToTheExtractorAndKeepsItsOrder() throws Exception {
    BackboneIdentity identity = new BackboneIdentity(MeanColorExtractor.ID, MeanColorExtractor.DIMENSION);
    try (var h = new OneInputStreamOperatorTestHarness<FrameBatch, FeatureFrame>(
        new BackboneOperator(MeanColorExtractor.factory(), identity))) {
      h.open();
      int calls = MeanColorExtractor.EXTRACT_CALLS.get();
      h.processElement(new FrameBatch(new DecodedFrame[] {features("f", 0, 9f, 9f, 9f, 9f), solid("a", 0, Color.RED),
          features("f", 1, 8f, 8f, 8f, 8f), solid("b", 3, Color.BLUE), features("f", 2, 7f, 7f, 7f, 7f)}), 5003);
      assertThat(MeanColorExtractor.EXTRACT_CALLS.get()).isEqualTo(calls + 1);
      var out = h.extractOutputValues();
      assertThat(out).extracting(f -> f.cameraId() + ":" + f.sequenceNumber())
          .containsExactly("f:0", "a:0", "f:1", "b:3", "f:2");
      assertThat(out.get(0).features()).containsExactly(9f, 9f, 9f, 9f);
      assertThat(out.get(1).features()).containsExactly(1f, 0f, 0f, 1f / 3);
      assertThat(out.get(2).features()).containsExactly(8f, 8f, 8f, 8f);
      assertThat(out.get(3).features()).containsExactly(0f, 0f, 1f, 1f / 3);
      assertThat(out.get(4).features()).containsExactly(7f, 7f, 7f, 7f);
    }
  }

  @Test
  void runsTheBuiltinDjlBackboneFromASpec(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("cnn.bin");
    BuiltinCnnTrainer.untrained(16, new int[] {4, 8}, List.of("a", "b"), 5).write(file);
    BackboneFactory factory = InstantiationUtil.clone(BackboneFactory.spec("builtin:" + file));
    BackboneIdentity identity = factory.identity();
    assertThat(identity.dimension()).isEqualTo(8);
    try (var h = new OneInputStreamOperatorTestHarness<FrameBatch, FeatureFrame>(
        new BackboneOperator(factory, identity))) {
      h.open();
      h.processElement(new FrameBatch(new DecodedFrame[] {solid("a", 0, Color.RED), solid("b", 0, Color.BLUE)}), 1);
      h.processElement(new FrameBatch(new DecodedFrame[] {solid("b", 1, Color.BLUE)}), 2);
      List<FeatureFrame> out = h.extractOutputValues();
      assertThat(out).hasSize(3);
      assertThat(out.get(0).features()).hasSize(8);
      // Inference-mode batch norm: a frame's features do not depend on its batch.
      assertThat(out.get(2).features()).usingComparatorWithPrecision(1e-5f).containsExactly(out.get(1).features());
    }
  }

  @Test
  void refusesAnotherBackboneThanTheJobWasBuiltFor() throws Exception {
    var h = new OneInputStreamOperatorTestHarness<FrameBatch, FeatureFrame>(
        new BackboneOperator(MeanColorExtractor.factory(), new BackboneIdentity("other", 4)));
    assertThatThrownBy(h::open).hasMessageContaining("the job was built for");
    h.close();
  }
}
