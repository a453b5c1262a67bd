package io.vibstream.flink.functions;

import io.vibstream.flink.records.DecodedFrame;
import io.vibstream.flink.records.FrameBatch;
import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Groups the frames of all cameras that reach this subtask into batches of at most
 * {@code maxBatch}, emitting a batch when it is full or {@code maxWaitMs} after its first frame,
 * whichever comes first (nvstreammux semantics), on the operator's processing-time service.
 *
 * <p>Frames that already carry their features ({@code F32_FEATURES}, computed on the camera) are
 * batched like image frames, in arrival order; the backbone passes them through.
 *
 * <p>Nothing is in flight at a checkpoint: the pending batch is flushed in
 * {@link #prepareSnapshotPreBarrier}, so the operator has no state. A watermark that arrives
 * while frames are pending is held back until they are emitted, so no frame overtakes it.
 * Metrics: {@code batchSize} (histogram), {@code lastBatchSize} (gauge), {@code batches}.
 */
public final class FrameBatcher extends AbstractStreamOperator<FrameBatch>
    implements OneInputStreamOperator<DecodedFrame, FrameBatch>, ProcessingTimeCallback {
  private static final long serialVersionUID = 1L;

  private final int maxBatch;
  private final long maxWaitMs;

  private transient DecodedFrame[] pending;
  private transient int pendingCount;
  private transient long pendingTimestamp;
  private transient ScheduledFuture<?> timer;
  private transient Watermark heldWatermark;
  private transient Histogram batchSize;
  private transient volatile int lastBatchSize;
  private transient org.apache.flink.metrics.Counter batches;

  /**
   * @param maxBatch frames per batch, >= 1
   * @param maxWaitMs longest a frame waits for its batch to fill, >= 0 (0: every frame alone)
   */
  public FrameBatcher(int maxBatch, long maxWaitMs) {
    if (maxBatch < 1 || maxWaitMs < 0) {
      throw new IllegalArgumentException("maxBatch must be >= 1 and maxWaitMs >= 0, got " + maxBatch + ", "
          + maxWaitMs);
    }
    this.maxBatch = maxBatch;
    this.maxWaitMs = maxWaitMs;
  }

  @Override
  public void open() throws Exception {
    super.open();
    pending = new DecodedFrame[maxBatch];
    pendingCount = 0;
    pendingTimestamp = Long.MIN_VALUE;
    batchSize = JobMetrics.histogram(getMetricGroup(), "batchSize");
    getMetricGroup().gauge("lastBatchSize", () -> lastBatchSize);
    batches = getMetricGroup().counter("batches");
  }

  @Override
  public void processElement(StreamRecord<DecodedFrame> element) throws Exception {
    pending[pendingCount++] = element.getValue();
    if (element.hasTimestamp()) {
      pendingTimestamp = Math.max(pendingTimestamp, element.getTimestamp());
    }
    if (pendingCount >= maxBatch || maxWaitMs == 0) {
      flush();
    } else if (timer == null) {
      long now = getProcessingTimeService().getCurrentProcessingTime();
      timer = getProcessingTimeService().registerTimer(now + maxWaitMs, this);
    }
  }

  @Override
  public void onProcessingTime(long time) throws Exception {
    timer = null;
    flush();
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    if (pendingCount == 0) {
      super.processWatermark(mark);
    } else {
      heldWatermark = mark;
    }
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    flush();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void finish() throws Exception {
    flush();
    super.finish();
  }

  @Override
  public void close() throws Exception {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    super.close();
  }

  /** Emits the pending frames as one batch (if any), then a held-back watermark. */
  private void flush() throws Exception {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (pendingCount > 0) {
      FrameBatch batch = new FrameBatch(Arrays.copyOf(pending, pendingCount));
      StreamRecord<FrameBatch> record = pendingTimestamp == Long.MIN_VALUE
          ? new StreamRecord<>(batch) : new StreamRecord<>(batch, pendingTimestamp);
      Arrays.fill(pending, 0, pendingCount, null);
      pendingCount = 0;
      pendingTimestamp = Long.MIN_VALUE;
      lastBatchSize = batch.size();
      batchSize.update(batch.size());
      batches.inc();
      output.collect(record);
    }
    if (heldWatermark != null) {
      Watermark mark = heldWatermark;
      heldWatermark = null;
      super.processWatermark(mark);
    }
  }
}
