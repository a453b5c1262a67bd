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

  private static final int HISTOGRAM_WINDOW = 1024;

  private JobMetrics() {}

  /** The {@code framesDropped} counter of one reason, in the group {@code reason=REASON}. */
  public static Counter dropped(MetricGroup group, String reason) {
    return group.addGroup("reason", reason).counter("framesDropped");
  }

  /** A histogram over the last 1024 values. */
  public static Histogram histogram(MetricGroup group, String name) {
    return group.histogram(name, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
  }
}
