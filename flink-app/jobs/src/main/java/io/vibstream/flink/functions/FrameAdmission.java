package io.vibstream.flink.functions;

import io.vibstream.flink.records.DeadLetter;
import io.vibstream.flink.records.FrameInput;
import io.vibstream.flink.records.FrameLimits;
import io.vibstream.schemas.Frame;
import io.vibstream.schemas.ImageEncoding;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The first check of every record on the frames input, before anything keys, batches or decodes
 * it: a record that is not a frame (not valid Avro, an unknown schema version), a frame above
 * {@link FrameLimits#maxFrameBytes}, from a camera not on {@link FrameLimits#allowedCameras}, with
 * zero, negative or absurd dimensions (an image needs 1 to {@link FrameLimits#MAX_SIDE} pixels a
 * side and at most {@link FrameLimits#MAX_PIXELS} in all, so that decoding a small, highly
 * compressed image cannot take gigabytes; a feature frame may say 0), or with a capture time before the epoch or more than
 * {@link FrameLimits#maxClockSkew} ahead of the job's clock goes to
 * {@link DecodeFunction#DEAD_LETTERS} (stage {@value #STAGE}) and is counted as dropped with its
 * reason; everything else passes on. The frames' watermarks use the same check
 * ({@link #eventTime}), so a refused frame never moves event time.
 */
public final class FrameAdmission extends ProcessFunction<FrameInput, FrameInput> {
  private static final long serialVersionUID = 1L;
  /** The stage named in this function's dead letters. */
  public static final String STAGE = "admit";

  private final FrameLimits limits;
  private transient Map<String, Counter> dropped;

  public FrameAdmission(FrameLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  @Override
  public void open(OpenContext openContext) {
    dropped = counters(getRuntimeContext().getMetricGroup(), List.of(JobMetrics.NOT_AVRO,
        JobMetrics.UNKNOWN_SCHEMA_VERSION, JobMetrics.TOO_LARGE, JobMetrics.UNKNOWN_CAMERA, JobMetrics.BAD_DIMENSIONS,
        JobMetrics.NEGATIVE_TIMESTAMP, JobMetrics.FUTURE_TIMESTAMP));
  }

  /** The {@code framesDropped} counter of each reason. */
  static Map<String, Counter> counters(MetricGroup group, List<String> reasons) {
    Map<String, Counter> counters = new HashMap<>();
    for (String reason : reasons) {
      counters.put(reason, JobMetrics.dropped(group, reason));
    }
    return counters;
  }

  @Override
  public void processElement(FrameInput input, Context ctx, Collector<FrameInput> out) {
    DeadLetter dead = refusal(input, limits, System.currentTimeMillis());
    if (dead == null) {
      out.collect(input);
    } else {
      dropped.get(dead.code()).inc();
      ctx.output(DecodeFunction.DEAD_LETTERS, dead);
    }
  }

  /**
   * The event time of {@code input} for the watermarks: its capture time, or
   * {@link Long#MIN_VALUE} (never moves a watermark) when {@link #refusal} refuses it.
   */
  public static long eventTime(FrameInput input, FrameLimits limits, long now) {
    return refusal(input, limits, now) == null ? input.frame().getCaptureTimestamp().toEpochMilli() : Long.MIN_VALUE;
  }

  /** Why {@code input} is refused, as its dead letter, or null when it passes; {@code now} is the job's clock. */
  public static DeadLetter refusal(FrameInput input, FrameLimits limits, long now) {
    Frame frame = input.frame();
    if (frame == null) {
      return input.refuse(STAGE, input.code(), input.reason());
    }
    if (limits.maxFrameBytes() > 0 && input.size() > limits.maxFrameBytes()) {
      return input.refuse(STAGE, JobMetrics.TOO_LARGE, "frame of " + input.size() + " bytes, the limit is "
          + limits.maxFrameBytes());
    }
    if (!limits.allowedCameras().isEmpty() && !limits.allowedCameras().contains(frame.getCameraId())) {
      return input.refuse(STAGE, JobMetrics.UNKNOWN_CAMERA, "camera '" + frame.getCameraId()
          + "' is not on the allow-list");
    }
    int least = frame.getEncoding() == ImageEncoding.F32_FEATURES ? 0 : 1;
    if (frame.getWidth() < least || frame.getHeight() < least || frame.getWidth() > FrameLimits.MAX_SIDE
        || frame.getHeight() > FrameLimits.MAX_SIDE) {
      return input.refuse(STAGE, JobMetrics.BAD_DIMENSIONS, frame.getEncoding() + " frame of " + frame.getWidth() + "x"
          + frame.getHeight() + " pixels (" + least + " to " + FrameLimits.MAX_SIDE + " a side)");
    }
    long pixels = (long) frame.getWidth() * frame.getHeight();
    if (frame.getEncoding() != ImageEncoding.F32_FEATURES && pixels > FrameLimits.MAX_PIXELS) {
      return input.refuse(STAGE, JobMetrics.BAD_DIMENSIONS, frame.getEncoding() + " frame of " + frame.getWidth() + "x"
          + frame.getHeight() + " pixels, more than the " + FrameLimits.MAX_PIXELS + " an image may have");
    }
    long ts = frame.getCaptureTimestamp().toEpochMilli();
    if (ts < 0) {
      return input.refuse(STAGE, JobMetrics.NEGATIVE_TIMESTAMP, "capture time " + ts + " ms is before the epoch");
    }
    if (ts - now > limits.maxClockSkew().toMillis()) {
      return input.refuse(STAGE, JobMetrics.FUTURE_TIMESTAMP, "capture time " + frame.getCaptureTimestamp() + " is "
          + (ts - now) + " ms ahead of the job's clock (at most " + limits.maxClockSkew().toMillis() + ")");
    }
    return null;
  }
}
