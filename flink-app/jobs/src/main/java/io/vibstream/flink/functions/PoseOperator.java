package io.vibstream.flink.functions;

import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.flink.records.FrameBatch;
import io.vibstream.flink.records.PersonDetections;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.model.pose.PoseEstimator;
import io.vibstream.model.pose.PoseFrame;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The pose stage of pose mode: the frames of a {@link FrameBatch} one by one through the
 * {@link PoseEstimator}, each frame's {@link PersonDetections} emitted as soon as it is done (the
 * CPU estimator gains nothing from a larger call, and a frame should not wait for the rest of its
 * batch); one {@link PersonDetections} out per image frame, in batch order, stamped with its capture time
 * (also for frames with nobody in view: the tracker ages its tracks on them). Frames that carry
 * camera-computed features have no image to look at and are dropped ({@code reason=no_image}).
 * The estimator is opened in {@link #open()} and closed in {@link #close()}: one per subtask, which
 * sees each camera's frames in order (they come forward from the camera's source split).
 * Metrics: {@code poseMs} (histogram, per batch), {@code persons}.
 */
public final class PoseOperator extends AbstractStreamOperator<PersonDetections>
    implements OneInputStreamOperator<FrameBatch, PersonDetections> {
  private static final long serialVersionUID = 1L;
  private static final PersonPose[] NOBODY = new PersonPose[0];

  private final PoseEstimatorFactory factory;

  private transient PoseEstimator estimator;
  private transient Histogram poseMs;
  private transient Counter persons;
  private transient Counter noImage;

  public PoseOperator(PoseEstimatorFactory factory) {
    this.factory = factory;
  }

  @Override
  public void open() throws Exception {
    super.open();
    estimator = factory.open();
    poseMs = JobMetrics.histogram(getMetricGroup(), "poseMs");
    persons = getMetricGroup().counter("persons");
    noImage = JobMetrics.dropped(getMetricGroup(), JobMetrics.NO_IMAGE);
  }

  @Override
  public void processElement(StreamRecord<FrameBatch> element) {
    long start = System.nanoTime();
    boolean looked = false;
    for (DecodedFrame f : element.getValue().frames()) {
      if (f.hasFeatures()) {
        noImage.inc();
        continue;
      }
      PoseFrame frame = new PoseFrame(f.cameraId(), f.sequenceNumber(), f.captureTimestamp(), f.width(), f.height(),
          f.bgr());
      PersonPose[] people = estimator.estimate(List.of(frame)).get(0).toArray(NOBODY);
      looked = true;
      persons.inc(people.length);
      output.collect(new StreamRecord<>(
          new PersonDetections(f.cameraId(), f.sequenceNumber(), f.captureTimestamp(), people), f.captureTimestamp()));
    }
    if (looked) {
      poseMs.update((System.nanoTime() - start) / 1_000_000);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      if (estimator != null) {
        estimator.close();
        estimator = null;
      }
    } finally {
      super.close();
    }
  }
}
