package io.vibstream.flink.functions;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/** Metric names shared by the job's operators. */
public final class JobMetrics {
  /** Drop reason: the image did not decode. */
  public static final String CORRUPT = "corrupt";
  /** Drop reason: behind the watermark or an already-passed sequence number. */
  public static final String LATE = "late";
  /** Drop reason: no model was serving yet. */
  public static final String NO_MODEL = "no_model";
  /** Drop reason: discarded from a window reset by a sequence or time gap. */
  public static final String GAP_RESET = "gap_reset";
  /** Drop reason: a pose-mode frame without an image (its camera sent features). */
  public static final String NO_IMAGE = "no_image";
  /** Drop and dead-letter reason: the record's bytes are not an Avro record of the expected type (or no bytes at all). */
  public static final String NOT_AVRO = "not_avro";
  /** Drop and dead-letter reason: the record's schema version byte names no version this job knows. */
  public static final String UNKNOWN_SCHEMA_VERSION = "unknown_schema_version";
  /** Drop and dead-letter reason: the frame record is above the configured size limit. */
  public static final String TOO_LARGE = "too_large";
  /** Drop and dead-letter reason: zero, negative or absurd width or height. */
  public static final String BAD_DIMENSIONS = "bad_dimensions";
  /** Drop and dead-letter reason: a capture time before the epoch. */
  public static final String NEGATIVE_TIMESTAMP = "negative_timestamp";
  /** Drop and dead-letter reason: a capture time further ahead of the job's clock than the allowed skew. */
  public static final String FUTURE_TIMESTAMP = "future_timestamp";
  /** Drop and dead-letter reason: a camera id not on the configured allow-list. */
  public static final String UNKNOWN_CAMERA = "unknown_camera";
  /** Drop and dead-letter reason: a sequence number the camera already sent in its current run. */
  public static final String REPEATED_SEQUENCE = "repeated_sequence";
  /** Drop and dead-letter reason: a frame behind the watermark and more than the out-of-orderness bound behind its camera. */
  public static final String OUT_OF_ORDER = "out_of_order";
  /** Clip dead-letter reason: a blank label. */
  public static final String BAD_LABEL = "bad_label";
  /** Clip dead-letter reason: no features, or not a whole number of frames of its feature dimension. */
  public static final String BAD_LENGTH = "bad_length";
  /** Clip dead-letter reason: no backbone id, or another backbone (or dimension) than the window's. */
  public static final String BAD_BACKBONE = "bad_backbone";
  /** Clip dead-letter reason: a feature that is not a finite number. */
  public static final String BAD_FEATURES = "bad_features";

  private static final int HISTOGRAM_WINDOW = 1024;

  private JobMetrics() {}

  /** The {@code framesDropped} counter of one reason, in the group {@code reason=REASON}. */
  public static Counter dropped(MetricGroup group, String reason) {
    return group.addGroup("reason", reason).counter("framesDropped");
  }

  /** The {@code clipsDropped} counter of one reason, in the group {@code reason=REASON}. */
  public static Counter clipsDropped(MetricGroup group, String reason) {
    return group.addGroup("reason", reason).counter("clipsDropped");
  }

  /** A histogram over the last 1024 values. */
  public static Histogram histogram(MetricGroup group, String name) {
    return group.histogram(name, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
  }
}
