package io.vibstream.flink.functions;

import io.vibstream.flink.records.FrameInput;
import io.vibstream.flink.records.SequenceWindow;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per camera (keyed by camera id), before decoding: refuses a frame whose sequence number the
 * camera already sent in its current run (a camera that re-sends after a reconnect, or a sequence
 * number that went back while its capture time went on) as {@code repeated_sequence}, and a frame
 * far out of order, more than {@code outOfOrdernessMs} behind its camera's latest capture time
 * and at or behind the watermark (the recognizer could not place it), as {@code out_of_order};
 * both go to {@link DecodeFunction#DEAD_LETTERS} (stage {@value #STAGE}) and are counted. A
 * sequence number 0 with a later capture time starts a new run (a restarted camera: the
 * recognizer resets its window). Frames a little out of order pass on, for the recognizer to
 * reorder. State: one {@link SequenceWindow} per camera.
 */
public final class SequenceCheck extends KeyedProcessFunction<String, FrameInput, FrameInput> {
  private static final long serialVersionUID = 1L;
  /** The stage named in this function's dead letters. */
  public static final String STAGE = "sequence";

  private final long outOfOrdernessMs;
  private transient ValueState<SequenceWindow> window;
  private transient Map<String, Counter> dropped;

  /** @param outOfOrdernessMs the watermarks' out-of-orderness bound, >= 0 */
  public SequenceCheck(long outOfOrdernessMs) {
    if (outOfOrdernessMs < 0) {
      throw new IllegalArgumentException("outOfOrdernessMs must be >= 0, got " + outOfOrdernessMs);
    }
    this.outOfOrdernessMs = outOfOrdernessMs;
  }

  @Override
  public void open(OpenContext openContext) {
    window = getRuntimeContext().getState(new ValueStateDescriptor<>("sequence-window",
        TypeInformation.of(SequenceWindow.class)));
    dropped = FrameAdmission.counters(getRuntimeContext().getMetricGroup(),
        List.of(JobMetrics.REPEATED_SEQUENCE, JobMetrics.OUT_OF_ORDER));
  }

  @Override
  public void processElement(FrameInput input, Context ctx, Collector<FrameInput> out) throws Exception {
    long seq = input.frame().getSequenceNumber();
    long ts = input.frame().getCaptureTimestamp().toEpochMilli();
    SequenceWindow w = window.value();
    if (w == null || seq == 0 && ts > w.latest()) {
      window.update(SequenceWindow.start(seq, ts));
      out.collect(input);
      return;
    }
    String problem = null;
    String code = null;
    if (w.saw(seq)) {
      code = JobMetrics.REPEATED_SEQUENCE;
      problem = "sequence number " + seq + " already seen from this camera (highest " + w.highest() + ")";
    } else if (ts < w.latest() - outOfOrdernessMs && ts <= ctx.timerService().currentWatermark()) {
      code = JobMetrics.OUT_OF_ORDER;
      problem = "frame " + seq + " is " + (w.latest() - ts) + " ms behind its camera's latest frame and behind the "
          + "watermark (out-of-orderness bound " + outOfOrdernessMs + " ms)";
    } else if (seq <= w.highest() && ts > w.latest()) {
      code = JobMetrics.REPEATED_SEQUENCE;
      problem = "sequence number went back from " + w.highest() + " to " + seq + " with a later capture time";
    }
    if (code == null) {
      window.update(w.with(seq, ts));
      out.collect(input);
    } else {
      dropped.get(code).inc();
      ctx.output(DecodeFunction.DEAD_LETTERS, input.refuse(STAGE, code, problem));
    }
  }
}
