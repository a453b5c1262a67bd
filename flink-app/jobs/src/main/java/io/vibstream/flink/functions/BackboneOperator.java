package io.vibstream.flink.functions;

import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.flink.records.FeatureFrame;
import io.vibstream.flink.records.FrameBatch;
import io.vibstream.model.backbone.BackboneIdentity;
import io.vibstream.model.backbone.FeatureExtractor;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Runs the CNN backbone: one {@link FeatureExtractor#extract} call per {@link FrameBatch} for its
 * image frames, one {@link FeatureFrame} out per frame in batch order, stamped with the frame's
 * capture time. Frames that already carry features (computed on the camera, see
 * {@link DecodedFrame#hasFeatures()}) pass through as they are; a batch of only such frames calls
 * no extractor. The extractor (and
 * its DJL predictor) is opened in {@link #open()} and closed in {@link #close()}: one per subtask.
 * If an expected identity is given, an extractor with another id or dimension fails the task.
 * Metrics: {@code backboneMs} (histogram, per batch).
 */
public final class BackboneOperator extends AbstractStreamOperator<FeatureFrame>
    implements OneInputStreamOperator<FrameBatch, FeatureFrame> {
  private static final long serialVersionUID = 1L;

  private final BackboneFactory factory;
  private final BackboneIdentity expected;

  private transient FeatureExtractor extractor;
  private transient Histogram backboneMs;
  private transient StreamRecord<FeatureFrame> reuse;

  /**
   * @param factory opens the extractor
   * @param expected the identity the job was built for, or null to accept any
   */
  public BackboneOperator(BackboneFactory factory, BackboneIdentity expected) {
    this.factory = factory;
    this.expected = expected;
  }

  @Override
  public void open() throws Exception {
    super.open();
    extractor = factory.open();
    BackboneIdentity actual = BackboneIdentity.of(extractor);
    if (expected != null && !expected.equals(actual)) {
      throw new IllegalStateException("backbone on this TaskManager is " + actual + ", the job was built for "
          + expected);
    }
    backboneMs = JobMetrics.histogram(getMetricGroup(), "backboneMs");
    reuse = new StreamRecord<>(null);
  }

  @Override
  public void processElement(StreamRecord<FrameBatch> element) {
    DecodedFrame[] frames = element.getValue().frames();
    List<BufferedImage> images = null;
    for (DecodedFrame f : frames) {
      if (!f.hasFeatures()) {
        if (images == null) {
          images = new ArrayList<>(frames.length);
        }
        images.add(f.toImage());
      }
    }
    float[][] extracted = null;
    if (images != null) {
      long start = System.nanoTime();
      extracted = extractor.extract(images);
      backboneMs.update((System.nanoTime() - start) / 1_000_000);
    }
    int next = 0;
    for (DecodedFrame f : frames) {
      float[] features = f.hasFeatures() ? f.features() : extracted[next++];
      // The wrapper is reused: the value is copied or serialized downstream before collect returns.
      output.collect(reuse.replace(
          new FeatureFrame(f.cameraId(), f.sequenceNumber(), f.captureTimestamp(), features), f.captureTimestamp()));
    }
  }

  @Override
  public void close() throws Exception {
    try {
      if (extractor != null) {
        extractor.close();
        extractor = null;
      }
    } finally {
      super.close();
    }
  }
}
