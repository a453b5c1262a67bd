package io.vibstream.flink.functions;

import io.vibstream.flink.records.CameraCursor;
import io.vibstream.flink.records.FeatureFrame;
import io.vibstream.flink.records.ServingModel;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.backbone.BackboneIdentity;
import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.release.ModelReleases;
import io.vibstream.model.runtime.LstmStream;
import io.vibstream.model.signing.TrustedKeys;
import io.vibstream.schemas.ActionEvent;
import io.vibstream.schemas.BoundingBox;
import io.vibstream.schemas.LabelScore;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.ModelStatus;
import io.vibstream.schemas.ReleaseStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Action recognition with the compressed LSTM, keyed by camera id or, in pose mode, by tracked
 * person ({@link FeatureFrame#key()}); the broadcast input is the stream of {@link ModelRelease}s.
 * Each key keeps its last {@code clipLength} feature vectors in keyed state and, once full, emits
 * one {@link ActionEvent} every {@code stride} frames. Releases are validated (checksum, trusted
 * signature, backbone, version) and swapped in between two records with no refill, so a key's
 * events never go back in version; every subtask reports its decision on {@link #MODEL_STATUS}.
 * Frames out of order within the watermark's bound are reordered; gaps reset the window; a
 * track's state is freed when it ends or by an event-time timer. The rules in full, with the
 * metrics: docs/architecture.md, "The recognizer".
 */
public final class ActionRecognizer extends KeyedBroadcastProcessFunction<String, FeatureFrame, ModelRelease, ActionEvent> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ActionRecognizer.class);
  private static final String SERVING = "serving";

  /** Broadcast state: the serving model under the key {@code "serving"}. */
  public static final MapStateDescriptor<String, ServingModel> MODEL_STATE =
      new MapStateDescriptor<>("model", Types.STRING, TypeInformation.of(ServingModel.class));

  /** Side output: every subtask's decision on every model release. */
  public static final OutputTag<ModelStatus> MODEL_STATUS = new OutputTag<>("model-status",
      new AvroTypeInfo<>(ModelStatus.class));

  /** Confidence below which an event is marked unsure, unless configured otherwise. */
  public static final float DEFAULT_UNSURE_BELOW = 0.5f;

  /** Settings of the recognizer. */
  public record Settings(BackboneIdentity backbone, int strideFrames, int topK, long maxSequenceGap,
      long maxTimeGapMs, boolean perPerson, float unsureBelow) implements java.io.Serializable {
    /**
     * @param backbone what releases must have been trained on
     * @param strideFrames frames between events, or 0 for max(1, clipLength / 4)
     * @param topK labels in each event's top-k, >= 1
     * @param maxSequenceGap missing frames tolerated between consecutive frames, >= 0
     * @param maxTimeGapMs capture-time gap tolerated between consecutive frames, >= 1
     * @param perPerson keyed by tracked person, frames in order per track, state freed when a track ends
     * @param unsureBelow confidence below which an event is marked unsure, in [0, 1]
     */
    public Settings {
      if (backbone == null || strideFrames < 0 || topK < 1 || maxSequenceGap < 0 || maxTimeGapMs < 1
          || !(unsureBelow >= 0 && unsureBelow <= 1)) {
        throw new IllegalArgumentException("invalid recognizer settings: backbone=" + backbone + ", strideFrames="
            + strideFrames + ", topK=" + topK + ", maxSequenceGap=" + maxSequenceGap + ", maxTimeGapMs=" + maxTimeGapMs
            + ", unsureBelow=" + unsureBelow);
      }
    }

    /** Per-camera settings, events unsure below {@link #DEFAULT_UNSURE_BELOW}. */
    public Settings(BackboneIdentity backbone, int strideFrames, int topK, long maxSequenceGap, long maxTimeGapMs) {
      this(backbone, strideFrames, topK, maxSequenceGap, maxTimeGapMs, false, DEFAULT_UNSURE_BELOW);
    }
  }

  private final Settings settings;
  private final TrustedKeys trust;

  private transient MapState<Long, FeatureFrame> pending;
  private transient MapState<Integer, FeatureFrame> window;
  private transient ValueState<CameraCursor> cursor;
  private transient long loadedVersion;
  private transient ModelArtifact loaded;
  private transient LstmStream lstm;
  private transient volatile long servingVersion;
  private transient Counter late;
  private transient Counter noModel;
  private transient Counter gapReset;
  private transient Counter events;
  private transient Counter accepted;
  private transient Counter refused;
  private transient Counter tracksEnded;
  private transient Counter tracksExpired;
  private transient Histogram lstmMs;
  private transient Histogram latencyMs;

  /** A recognizer that trusts no key in particular: it accepts unsigned releases. */
  public ActionRecognizer(Settings settings) {
    this(settings, TrustedKeys.none());
  }

  /**
   * A recognizer that accepts only releases signed by one of {@code trust}'s keys, or, if it is
   * empty, unsigned releases too (nothing proves who published them).
   */
  public ActionRecognizer(Settings settings, TrustedKeys trust) {
    this.settings = settings;
    this.trust = Objects.requireNonNull(trust, "trust");
  }

  @Override
  public void open(OpenContext openContext) {
    pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG,
        TypeInformation.of(FeatureFrame.class)));
    window = getRuntimeContext().getMapState(new MapStateDescriptor<>("window", Types.INT,
        TypeInformation.of(FeatureFrame.class)));
    cursor = getRuntimeContext().getState(new ValueStateDescriptor<>("cursor", TypeInformation.of(CameraCursor.class)));
    var group = getRuntimeContext().getMetricGroup();
    late = JobMetrics.dropped(group, JobMetrics.LATE);
    noModel = JobMetrics.dropped(group, JobMetrics.NO_MODEL);
    gapReset = JobMetrics.dropped(group, JobMetrics.GAP_RESET);
    events = group.counter("events");
    accepted = group.counter("modelReleasesAccepted");
    refused = group.counter("modelReleasesRefused");
    tracksEnded = group.counter("tracksEnded");
    tracksExpired = group.counter("tracksExpired");
    lstmMs = JobMetrics.histogram(group, "lstmMs");
    latencyMs = JobMetrics.histogram(group, "latencyMs");
    group.gauge("modelVersion", () -> servingVersion);
    loadedVersion = -1;
  }

  /** Frames dropped for {@code reason} ({@link JobMetrics}) by this instance. */
  public long dropped(String reason) {
    return switch (reason) {
      case JobMetrics.LATE -> late.getCount();
      case JobMetrics.NO_MODEL -> noModel.getCount();
      case JobMetrics.GAP_RESET -> gapReset.getCount();
      default -> throw new IllegalArgumentException("unknown drop reason " + reason);
    };
  }

  /** Model releases accepted ({@link ReleaseStatus#ACCEPTED}) or refused by this instance. */
  public long releases(ReleaseStatus status) {
    return status == ReleaseStatus.ACCEPTED ? accepted.getCount() : refused.getCount();
  }

  @Override
  public void processBroadcastElement(ModelRelease release, Context ctx, Collector<ActionEvent> out) throws Exception {
    BroadcastState<String, ServingModel> state = ctx.getBroadcastState(MODEL_STATE);
    ServingModel current = state.get(SERVING);
    long currentVersion = current == null ? 0 : current.version();
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    ModelStatus.Builder status = ModelStatus.newBuilder()
        .setVersion(release.getVersion())
        .setSubtask(subtask)
        .setTimestamp(Instant.ofEpochMilli(ctx.currentProcessingTime()));
    try {
      ModelReleases.Verified v = ModelReleases.validate(release, trust, settings.backbone(), currentVersion,
          current == null ? null : model(current));
      state.put(SERVING, new ServingModel(release.getVersion(), v.bytes()));
      serve(release.getVersion(), v.artifact());
      accepted.inc();
      LOG.info("subtask {}: model v{} now serving (was v{})", subtask, release.getVersion(), currentVersion);
      status.setStatus(ReleaseStatus.ACCEPTED).setReason("serving").setServingVersion(release.getVersion());
    } catch (ModelReleases.RefusedException e) {
      refused.inc();
      LOG.warn("subtask {}: model release v{} refused, v{} keeps serving: {}", subtask, release.getVersion(),
          currentVersion, e.getMessage());
      status.setStatus(ReleaseStatus.REFUSED).setReason(e.getMessage()).setServingVersion(currentVersion);
    }
    ctx.output(MODEL_STATUS, status.build());
  }

  /** Tracks ended by the tracker ({@code ended}) or freed by their timer ({@code expired}) in this instance. */
  public long tracks(boolean ended) {
    return ended ? tracksEnded.getCount() : tracksExpired.getCount();
  }

  @Override
  public void processElement(FeatureFrame frame, ReadOnlyContext ctx, Collector<ActionEvent> out) throws Exception {
    if (settings.perPerson()) {
      processPerson(frame, ctx, out);
      return;
    }
    CameraCursor c = cursor();
    long seq = frame.sequenceNumber();
    long ts = frame.captureTimestamp();
    if (c.isNext(seq, ts)) {
      ServingModel serving = ctx.getBroadcastState(MODEL_STATE).get(SERVING);
      long now = ctx.timerService().currentProcessingTime();
      takeFollowing(accept(frame, c, serving, now, out), serving, now, out);
      return;
    }
    if (ts <= ctx.timerService().currentWatermark() || c.passed(seq, ts) || pending.contains(seq)) {
      late.inc();
      return;
    }
    pending.put(seq, frame);
    cursor.update(c.buffer(1));
    ctx.timerService().registerEventTimeTimer(ts);
  }

  /**
   * A tracked person's frame, in order for its track: taken at once unless already passed; the end
   * record frees the track's state. The track's first frame sets a timer that frees it if it stops.
   */
  private void processPerson(FeatureFrame frame, ReadOnlyContext ctx, Collector<ActionEvent> out) throws Exception {
    CameraCursor stored = cursor.value();
    if (frame.endsTrack()) {
      if (stored != null) {
        free();
        tracksEnded.inc();
      }
      return;
    }
    CameraCursor c = stored == null ? CameraCursor.NEW : stored;
    if (stored != null && c.passed(frame.sequenceNumber(), frame.captureTimestamp())) {
      late.inc();
      return;
    }
    if (stored == null) {
      ctx.timerService().registerEventTimeTimer(expiry(frame.captureTimestamp()));
    }
    accept(frame, c, ctx.getBroadcastState(MODEL_STATE).get(SERVING), ctx.timerService().currentProcessingTime(),
        out);
  }

  /** The event time at which a track last seen at {@code timestamp} is freed. */
  private long expiry(long timestamp) {
    return timestamp > Long.MAX_VALUE - settings.maxTimeGapMs() ? Long.MAX_VALUE : timestamp + settings.maxTimeGapMs();
  }

  /** Frees the current key's window and cursor. */
  private void free() {
    window.clear();
    cursor.clear();
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ActionEvent> out) throws Exception {
    if (settings.perPerson()) {
      CameraCursor c = cursor.value();
      if (c != null && expiry(c.lastTimestamp()) <= timestamp) {
        free();
        tracksExpired.inc();
      } else if (c != null) {
        ctx.timerService().registerEventTimeTimer(expiry(c.lastTimestamp()));
      }
      return;
    }
    CameraCursor c = cursor();
    if (c.buffered() == 0) {
      return; // its frame was taken already, following on from an earlier one
    }
    List<FeatureFrame> ready = new ArrayList<>();
    Iterator<Map.Entry<Long, FeatureFrame>> it = pending.iterator();
    while (it.hasNext()) {
      FeatureFrame f = it.next().getValue();
      if (f.captureTimestamp() <= timestamp) {
        ready.add(f);
        it.remove();
      }
    }
    if (ready.isEmpty()) {
      return;
    }
    c = c.buffer(-ready.size());
    cursor.update(c);
    ready.sort(Comparator.comparingLong(FeatureFrame::captureTimestamp).thenComparingLong(FeatureFrame::sequenceNumber));
    ServingModel serving = ctx.getBroadcastState(MODEL_STATE).get(SERVING);
    long now = ctx.timerService().currentProcessingTime();
    for (FeatureFrame f : ready) {
      if (c.passed(f.sequenceNumber(), f.captureTimestamp())) {
        late.inc();
      } else {
        c = accept(f, c, serving, now, out);
      }
    }
    takeFollowing(c, serving, now, out);
  }

  private CameraCursor cursor() throws Exception {
    CameraCursor c = cursor.value();
    return c == null ? CameraCursor.NEW : c;
  }

  /** Takes the buffered frames that follow on from the last one taken (their timers find nothing later). */
  private void takeFollowing(CameraCursor c, ServingModel serving, long now, Collector<ActionEvent> out)
      throws Exception {
    FeatureFrame next;
    while (c.buffered() > 0 && (next = pending.get(c.lastSequence() + 1)) != null
        && c.isNext(next.sequenceNumber(), next.captureTimestamp())) {
      pending.remove(next.sequenceNumber());
      c = accept(next, c.buffer(-1), serving, now, out);
    }
  }

  /**
   * Adds {@code f}, the key's next frame ({@code c}: the cursor before it), to its window and
   * stores and returns the cursor after it.
   */
  private CameraCursor accept(FeatureFrame f, CameraCursor c, ServingModel serving, long now,
      Collector<ActionEvent> out) throws Exception {
    if (serving == null) {
      if (c.filled() > 0) {
        window.clear();
      }
      noModel.inc();
      CameraCursor after = c.restart(f.sequenceNumber(), f.captureTimestamp(), 0);
      cursor.update(after);
      return after;
    }
    ModelArtifact model = model(serving);
    int clipLength = model.manifest().clipLength();
    // A sequence number that went back with a later capture time is a restarted camera: a gap.
    if (c.capacity() != clipLength || f.sequenceNumber() <= c.lastSequence()
        || f.sequenceNumber() - c.lastSequence() - 1 > settings.maxSequenceGap()
        || f.captureTimestamp() - c.lastTimestamp() > settings.maxTimeGapMs()) {
      if (c.filled() > 0) {
        gapReset.inc(c.filled());
        window.clear();
      }
      c = c.restart(f.sequenceNumber() - 1, f.captureTimestamp(), clipLength);
    }
    int stride = settings.strideFrames() > 0 ? settings.strideFrames() : Math.max(1, clipLength / 4);
    window.put(c.head(), f);
    int head = (c.head() + 1) % clipLength;
    int filled = Math.min(c.filled() + 1, clipLength);
    int sinceEmit = c.sinceEmit() + 1;
    boolean primed = c.primed();
    if (filled == clipLength && (!primed || sinceEmit >= stride)) {
      FeatureFrame[] frames = new FeatureFrame[clipLength];
      for (int i = 0; i < clipLength; i++) {
        frames[i] = window.get((head + i) % clipLength);
      }
      out.collect(event(frames, model, serving.version(), now));
      sinceEmit = 0;
      primed = true;
    }
    CameraCursor after = new CameraCursor(f.sequenceNumber(), f.captureTimestamp(), sinceEmit, primed, filled, head,
        clipLength, c.buffered());
    cursor.update(after);
    return after;
  }

  private ActionEvent event(FeatureFrame[] frames, ModelArtifact model, long version, long now) {
    long start = System.nanoTime();
    lstm.reset();
    for (FeatureFrame f : frames) {
      lstm.step(f.features());
    }
    float[] p = softmax(lstm.logits());
    lstmMs.update((System.nanoTime() - start) / 1_000_000);
    List<String> labels = model.manifest().labels();
    Integer[] order = new Integer[p.length];
    for (int i = 0; i < p.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> a.equals(b) ? 0 : p[a] != p[b] ? Float.compare(p[b], p[a]) : Integer.compare(a, b));
    List<LabelScore> top = new ArrayList<>();
    for (int i = 0; i < Math.min(settings.topK(), p.length); i++) {
      top.add(new LabelScore(labels.get(order[i]), p[order[i]]));
    }
    FeatureFrame first = frames[0];
    FeatureFrame last = frames[frames.length - 1];
    long latency = now - last.captureTimestamp();
    latencyMs.update(latency);
    events.inc();
    PersonBox box = last.box();
    return ActionEvent.newBuilder()
        .setCameraId(last.cameraId())
        .setWindowStart(Instant.ofEpochMilli(first.captureTimestamp()))
        .setWindowEnd(Instant.ofEpochMilli(last.captureTimestamp()))
        .setFirstSequenceNumber(first.sequenceNumber())
        .setLastSequenceNumber(last.sequenceNumber())
        .setLabel(labels.get(order[0]))
        .setConfidence(p[order[0]])
        .setTopK(top)
        .setModelVersion(version)
        .setLatencyMs(latency)
        .setTrackId(last.trackId() == FeatureFrame.NO_TRACK ? null : last.trackId())
        .setBox(box == null ? null : new BoundingBox(box.x(), box.y(), box.width(), box.height()))
        .setUnsure(p[order[0]] < settings.unsureBelow())
        .build();
  }

  /** The parsed model for the serving bytes, cached per version (parsed again after a restore). */
  private ModelArtifact model(ServingModel serving) {
    if (loaded == null || loadedVersion != serving.version()) {
      serve(serving.version(), ModelReleases.parse(serving.artifact(), "model v" + serving.version()));
    }
    return loaded;
  }

  private void serve(long version, ModelArtifact model) {
    loaded = model;
    lstm = new LstmStream(model.model());
    loadedVersion = version;
    servingVersion = version;
  }

  /** Numerically stable softmax. */
  public static float[] softmax(float[] logits) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] e = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      e[i] = Math.exp(logits[i] - max);
      sum += e[i];
    }
    float[] p = new float[logits.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) (e[i] / sum);
    }
    return p;
  }
}
