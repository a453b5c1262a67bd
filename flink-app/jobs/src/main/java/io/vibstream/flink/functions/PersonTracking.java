package io.vibstream.flink.functions;

import io.vibstream.flink.records.FeatureFrame;
import io.vibstream.flink.records.PersonDetections;
import io.vibstream.flink.records.TrackingCursor;
import io.vibstream.model.pose.CameraTracking;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.model.pose.PersonTracker;
import io.vibstream.model.pose.TrackedFeatures;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Pose mode's person tracking, keyed by camera id: a {@link CameraTracking} per camera, kept in
 * keyed state as its tracker's {@link PersonTracker#snapshot()} bytes and its cursor, gives each
 * person a track id that lasts from frame to frame. Per frame it emits one {@link FeatureFrame}
 * per tracked person, with features {@link TrackedFeatures#of} ({@link PersonFeatures} of the pose
 * and the track's filtered velocity), the track id and the box, and an end record ({@link FeatureFrame#end}) per track that ended, so
 * the recognizer frees its window.
 * A frame with nobody in view emits nothing (beyond ends): such a camera costs no LSTM work.
 *
 * <p>{@link CameraTracking}'s rules apply: a frame that does not come after the camera's last one
 * is dropped ({@code reason=late}); after more than {@code maxTimeGapMs} without frames every track
 * of the camera ends first. Metrics: {@code framesDropped}, {@code tracksEnded}.
 */
public final class PersonTracking extends KeyedProcessFunction<String, PersonDetections, FeatureFrame> {
  private static final long serialVersionUID = 1L;

  private final float minIou;
  private final float maxCenterDistance;
  private final int minHits;
  private final int maxMissedFrames;
  private final long maxTimeGapMs;

  private transient PersonTracker.Settings settings;
  private transient ValueState<byte[]> tracker;
  private transient ValueState<TrackingCursor> cursor;
  private transient Counter late;
  private transient Counter ended;

  /**
   * @param settings the trackers' settings
   * @param maxTimeGapMs capture-time gap after which a camera's tracks all end, >= 1
   */
  public PersonTracking(PersonTracker.Settings settings, long maxTimeGapMs) {
    if (maxTimeGapMs < 1) {
      throw new IllegalArgumentException("maxTimeGapMs must be >= 1, got " + maxTimeGapMs);
    }
    this.minIou = settings.minIou();
    this.maxCenterDistance = settings.maxCenterDistance();
    this.minHits = settings.minHits();
    this.maxMissedFrames = settings.maxMissedFrames();
    this.maxTimeGapMs = maxTimeGapMs;
  }

  @Override
  public void open(OpenContext openContext) {
    settings = new PersonTracker.Settings(minIou, maxCenterDistance, minHits, maxMissedFrames);
    tracker = getRuntimeContext().getState(new ValueStateDescriptor<>("tracker",
        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    cursor = getRuntimeContext().getState(new ValueStateDescriptor<>("tracking-cursor",
        TypeInformation.of(TrackingCursor.class)));
    late = JobMetrics.dropped(getRuntimeContext().getMetricGroup(), JobMetrics.LATE);
    ended = getRuntimeContext().getMetricGroup().counter("tracksEnded");
  }

  /** Frames dropped as out of order by this instance. */
  public long late() {
    return late.getCount();
  }

  @Override
  public void processElement(PersonDetections frame, Context ctx, Collector<FeatureFrame> out) throws Exception {
    String camera = frame.cameraId();
    long seq = frame.sequenceNumber();
    long ts = frame.captureTimestamp();
    TrackingCursor c = cursor.value();
    CameraTracking tracking = CameraTracking.restore(settings, maxTimeGapMs, tracker.value(),
        c == null ? null : new CameraTracking.Cursor(c.lastSequence(), c.lastTimestamp()));
    CameraTracking.Step step = tracking.update(seq, ts, Arrays.asList(frame.persons()));
    if (step == null) {
      late.inc();
      return;
    }
    for (long id : step.endedTrackIds()) {
      ended.inc();
      out.collect(FeatureFrame.end(camera, id, seq, ts));
    }
    for (PersonTracker.TrackedPerson p : step.persons()) {
      out.collect(new FeatureFrame(camera, seq, ts, TrackedFeatures.of(p), p.trackId(), p.pose().box()));
    }
    tracker.update(tracking.snapshot());
    cursor.update(new TrackingCursor(seq, ts));
  }
}
