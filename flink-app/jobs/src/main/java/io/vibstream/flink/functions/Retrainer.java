package io.vibstream.flink.functions;

import io.vibstream.flink.records.ClipDeadLetter;
import io.vibstream.flink.records.ClipInput;
import io.vibstream.flink.records.ParentModel;
import io.vibstream.flink.records.RetrainCursor;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.release.CandidateRelease;
import io.vibstream.model.release.ModelReleases;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.model.signing.TrustedKeys;
import io.vibstream.model.training.CandidateTraining;
import io.vibstream.model.training.RetrainAttempt;
import io.vibstream.model.training.TrainingClip;
import io.vibstream.model.training.ValidationSplit;
import io.vibstream.schemas.LabeledClip;
import io.vibstream.schemas.ModelRelease;
import io.vibstream.schemas.RetrainDecision;
import io.vibstream.schemas.RetrainStatus;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retrain job's operator, under one key ({@link #KEY}): labeled clips in, model releases in,
 * a {@link RetrainStatus} out per retraining and a {@link ModelRelease} on {@link #RELEASES} per
 * published candidate. It keeps a window of one backbone's clips in keyed state (unusable clips go
 * to {@link #DEAD_CLIPS} with their reason), fine-tunes the newest valid (trusted-signed) release
 * on them with {@link CandidateTraining} on a background thread so records and checkpoints keep
 * flowing, and publishes the candidate when it holds the parent's accuracy within a tolerance and
 * a parameter budget. The rules in full: docs/architecture.md, "The retrain job".
 */
public final class Retrainer extends KeyedCoProcessFunction<String, ClipInput, ModelRelease, RetrainStatus> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(Retrainer.class);

  /** The one key both inputs are keyed by. */
  public static final String KEY = "window";

  /** Side output: the clips (and records of the clips input) this job cannot use. */
  public static final OutputTag<ClipDeadLetter> DEAD_CLIPS = new OutputTag<>("dead-clips",
      TypeInformation.of(ClipDeadLetter.class));

  /** Side output: the releases of published candidates. */
  public static final OutputTag<ModelRelease> RELEASES = new OutputTag<>("releases",
      new AvroTypeInfo<>(ModelRelease.class));

  /**
   * Settings of the retrain operator.
   *
   * @param windowClips the most clips kept, >= 2
   * @param validationShare share of clips held out, in (0, 1)
   * @param everyClips retrain after this many new clips, 0 for never
   * @param every retrain at this processing-time interval when clips arrived, zero for never
   * @param tolerancePoints publish when candidate accuracy >= parent accuracy - this (percentage points)
   * @param paramBudget the most LSTM parameters a published candidate may have, 0 for the parent's
   * @param poll how often the running training is checked, >= 1 ms
   * @param settle no retraining starts within this time of the operator starting, so that the
   *     models topic is read before a candidate takes a version number
   * @param training how candidates train
   */
  public record Settings(int windowClips, double validationShare, int everyClips, Duration every,
      double tolerancePoints, long paramBudget, Duration poll, Duration settle, CandidateTraining.Settings training)
      implements Serializable {
    public Settings {
      Objects.requireNonNull(every, "every");
      Objects.requireNonNull(poll, "poll");
      Objects.requireNonNull(settle, "settle");
      Objects.requireNonNull(training, "training");
      if (windowClips < 2 || !(validationShare > 0 && validationShare < 1) || everyClips < 0 || every.isNegative()
          || (everyClips == 0 && every.isZero()) || !Double.isFinite(tolerancePoints) || paramBudget < 0
          || poll.toMillis() < 1 || settle.isNegative()) {
        throw new IllegalArgumentException("invalid retrain settings: windowClips=" + windowClips
            + ", validationShare=" + validationShare + ", everyClips=" + everyClips + ", every=" + every
            + " (one trigger must be on), tolerancePoints=" + tolerancePoints + ", paramBudget=" + paramBudget
            + ", poll=" + poll + ", settle=" + settle);
      }
    }

    /**
     * 1000 clips, 20% held out, every 100 clips or 10 minutes, 1 point tolerance, the parent's
     * parameter budget, polled every 200 ms, 5 s to settle, {@link CandidateTraining.Settings#defaults()}.
     */
    public static Settings defaults() {
      return new Settings(1000, 0.2, 100, Duration.ofMinutes(10), 1.0, 0, Duration.ofMillis(200),
          Duration.ofSeconds(5), CandidateTraining.Settings.defaults());
    }

    public Settings withWindow(int clips, double share) {
      return new Settings(clips, share, everyClips, every, tolerancePoints, paramBudget, poll, settle, training);
    }

    public Settings withTriggers(int clips, Duration interval) {
      return new Settings(windowClips, validationShare, clips, interval, tolerancePoints, paramBudget, poll, settle,
          training);
    }

    public Settings withGate(double tolerance, long budget) {
      return new Settings(windowClips, validationShare, everyClips, every, tolerance, budget, poll, settle, training);
    }

    public Settings withTiming(Duration pollEvery, Duration settleFor) {
      return new Settings(windowClips, validationShare, everyClips, every, tolerancePoints, paramBudget, pollEvery,
          settleFor, training);
    }

    public Settings withTraining(CandidateTraining.Settings value) {
      return new Settings(windowClips, validationShare, everyClips, every, tolerancePoints, paramBudget, poll, settle,
          value);
    }
  }

  private final Settings settings;
  private final ReleaseSigner signer;
  private final TrustedKeys trust;

  private transient MapState<Long, TrainingClip> clips;
  private transient ValueState<RetrainCursor> cursor;
  private transient ValueState<ParentModel> parent;
  private transient ExecutorService trainer;
  private transient Future<CandidateTraining.Candidate> running;
  private transient RetrainAttempt attempt;
  private transient long pollAt;
  private transient long settledAt;
  private transient Counter accepted;
  private transient Counter dropped;
  private transient Map<String, Counter> droppedBy;
  private transient Counter published;
  private transient Counter rejected;

  /** A retrainer that publishes unsigned releases and takes any valid release as its parent. */
  public Retrainer(Settings settings) {
    this(settings, null, TrustedKeys.none());
  }

  /**
   * A retrainer that signs its releases with {@code signer} (null: unsigned) and takes as parents
   * only releases signed by one of {@code trust}'s keys or by {@code signer} (unless {@code trust}
   * is empty: then any valid release).
   */
  public Retrainer(Settings settings, ReleaseSigner signer, TrustedKeys trust) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.signer = signer;
    this.trust = signer == null || trust.isEmpty() ? trust : trust.with(signer.publicKey());
  }

  @Override
  public void open(OpenContext openContext) {
    clips = getRuntimeContext().getMapState(new MapStateDescriptor<>("clips", Types.LONG,
        TypeInformation.of(TrainingClip.class)));
    cursor = getRuntimeContext().getState(new ValueStateDescriptor<>("cursor",
        TypeInformation.of(RetrainCursor.class)));
    parent = getRuntimeContext().getState(new ValueStateDescriptor<>("parent", TypeInformation.of(ParentModel.class)));
    trainer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "retrain-candidate");
      t.setDaemon(true);
      return t;
    });
    var group = getRuntimeContext().getMetricGroup();
    accepted = group.counter("clipsAccepted");
    dropped = group.counter("clipsDropped");
    droppedBy = new HashMap<>();
    for (String reason : List.of(JobMetrics.NOT_AVRO, JobMetrics.UNKNOWN_SCHEMA_VERSION, JobMetrics.BAD_LABEL,
        JobMetrics.BAD_LENGTH, JobMetrics.BAD_BACKBONE, JobMetrics.BAD_FEATURES)) {
      droppedBy.put(reason, JobMetrics.clipsDropped(group, reason));
    }
    published = group.counter("releasesPublished");
    rejected = group.counter("candidatesRejected");
    settledAt = -1;
  }

  @Override
  public void close() throws Exception {
    if (trainer != null) {
      trainer.shutdownNow();
      if (!trainer.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("the candidate training did not stop within 30 s of its interrupt");
      }
    }
  }

  @Override
  public void processElement1(ClipInput input, Context ctx, Collector<RetrainStatus> out) throws Exception {
    boolean settled = settled(ctx);
    RetrainCursor c = cursor();
    LabeledClip clip = input.clip();
    Problem problem = clip == null ? new Problem(input.code(), input.reason()) : problem(clip, c);
    if (problem != null) {
      dropped.inc();
      droppedBy.get(problem.code()).inc();
      LOG.warn("dropping the {} clip of camera {}: {}", clip == null ? "unreadable" : clip.getLabel(),
          clip == null ? "?" : clip.getCameraId(), problem.reason());
      ctx.output(DEAD_CLIPS, input.refuse("retrain", problem.code(), problem.reason()));
      return;
    }
    if (c.backboneId() == null) {
      c = c.withBackbone(clip.getBackboneId(), clip.getFeatureDim());
    }
    long arrival = c.nextArrival();
    clips.put(arrival, trainingClip(clip));
    accepted.inc();
    long first = c.firstArrival();
    while (arrival + 1 - first > settings.windowClips()) {
      clips.remove(first++);
    }
    c = c.withWindow(first, arrival + 1, c.newClips() + 1);
    if (!settings.every().isZero() && c.nextTick() == 0) {
      long tick = ctx.timerService().currentProcessingTime() + settings.every().toMillis();
      ctx.timerService().registerProcessingTimeTimer(tick);
      c = c.withNextTick(tick);
    }
    cursor.update(c);
    if (settled && countDue(c) && !c.training()) {
      start("clips", ctx, out);
    }
  }

  @Override
  public void processElement2(ModelRelease release, Context ctx, Collector<RetrainStatus> out) throws Exception {
    settled(ctx);
    RetrainCursor c = cursor().withMaxVersion(release.getVersion());
    ParentModel current = parent.value();
    if (current != null && release.getVersion() <= current.version()) {
      cursor.update(c);
      return;
    }
    try {
      ModelArtifact artifact = ModelReleases.artifact(release, trust);
      ModelManifest.Backbone b = artifact.manifest().backbone();
      if (c.backboneId() != null && (!b.id().equals(c.backboneId()) || b.dimension() != c.dimension())) {
        LOG.warn("ignoring model v{}: it reads backbone {} (dimension {}), the clips come from {} (dimension {})",
            release.getVersion(), b.id(), b.dimension(), c.backboneId(), c.dimension());
        cursor.update(c);
        return;
      }
      c = c.withBackbone(b.id(), b.dimension());
      parent.update(new ParentModel(release.getVersion(), ModelArtifacts.toBytes(artifact)));
      LOG.info("model v{} is the parent of the next candidate", release.getVersion());
    } catch (ModelReleases.RefusedException e) {
      LOG.warn("ignoring a model release: {}", e.getMessage());
    }
    cursor.update(c);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<RetrainStatus> out) throws Exception {
    boolean settled = settled(ctx);
    RetrainCursor c = cursor();
    boolean tick = c.nextTick() != 0 && timestamp >= c.nextTick();
    if (tick) {
      long next = timestamp + settings.every().toMillis();
      ctx.timerService().registerProcessingTimeTimer(next);
      c = c.withNextTick(next);
      cursor.update(c);
    }
    if (c.training()) {
      if (running == null) {
        start("restart", ctx, out); // restored while a candidate trained: its thread is gone
      } else if (running.isDone()) {
        decide(ctx, out);
      } else if (timestamp >= pollAt) {
        poll(ctx);
      }
    } else if (settled && countDue(c)) {
      start("clips", ctx, out); // reached while settling
    } else if (settled && tick && c.newClips() > 0) {
      start("timer", ctx, out);
    }
  }

  /**
   * Whether retraining may start: {@code settle} has passed since this instance first ran (its
   * first call registers a timer for the end of that period).
   */
  private boolean settled(Context ctx) {
    long now = ctx.timerService().currentProcessingTime();
    if (settledAt < 0) {
      settledAt = now + settings.settle().toMillis();
      if (settledAt > now) {
        ctx.timerService().registerProcessingTimeTimer(settledAt);
      }
    }
    return now >= settledAt;
  }

  private boolean countDue(RetrainCursor c) {
    return settings.everyClips() > 0 && c.newClips() >= settings.everyClips();
  }

  private void start(String trigger, Context ctx, Collector<RetrainStatus> out) throws Exception {
    RetrainCursor c = cursor();
    ParentModel p = parent.value();
    ModelArtifact pa = p == null ? null : ModelReleases.parse(p.artifact(), "model v" + p.version());
    int clipLength = pa == null ? settings.training().clipLength() : pa.manifest().clipLength();
    List<TrainingClip> window = new ArrayList<>();
    for (long i = c.firstArrival(); i < c.nextArrival(); i++) {
      window.add(clips.get(i));
    }
    CandidateTraining.Data data;
    try {
      data = CandidateTraining.Data.of(window, pa == null ? List.of() : pa.manifest().labels(), clipLength,
          c.dimension());
    } catch (IllegalArgumentException e) {
      cursor.update(c.started().decided());
      emit(out, ctx, status(RetrainDecision.SKIPPED, e.getMessage(), trigger, p == null ? null : p.version()));
      return;
    }
    attempt = new RetrainAttempt(trigger, p == null ? null : p.version(),
        pa == null ? null : pa.model().lstmParams(), data, dataRange(window, c), c.backboneId(),
        clipLength);
    running = trainer.submit(() -> CandidateTraining.train(data, pa, settings.training()));
    cursor.update(c.started());
    LOG.info("retraining ({}) on {} training and {} validation clips of {} labels, parent {}", trigger,
        data.train().size(), data.validation().size(), data.labels().size(), p == null ? "none" : "v" + p.version());
    poll(ctx);
  }

  private void poll(Context ctx) {
    pollAt = ctx.timerService().currentProcessingTime() + settings.poll().toMillis();
    ctx.timerService().registerProcessingTimeTimer(pollAt);
  }

  private void decide(Context ctx, Collector<RetrainStatus> out) throws Exception {
    RetrainAttempt a = attempt;
    Future<CandidateTraining.Candidate> done = running;
    attempt = null;
    running = null;
    RetrainCursor c = cursor().decided();
    cursor.update(c);
    CandidateTraining.Candidate candidate;
    try {
      candidate = done.get();
    } catch (ExecutionException e) {
      LOG.error("retraining failed", e.getCause());
      emit(out, ctx, status(RetrainDecision.FAILED, "training failed: " + e.getCause(), a.trigger(),
          a.parentVersion()).setLabels(a.data().labels()));
      startIfDue(ctx, out);
      return;
    }
    ParentModel p = parent.value();
    Long parentNow = p == null ? null : p.version();
    if (!Objects.equals(parentNow, a.parentVersion())) {
      emit(out, ctx, measured(status(RetrainDecision.SKIPPED, "model v" + parentNow + " arrived while the candidate "
          + "trained against " + (a.parentVersion() == null ? "no model" : "v" + a.parentVersion()) + "; training "
          + "again", a.trigger(), a.parentVersion()), a, candidate, null));
      start("parent-changed", ctx, out);
      return;
    }
    long version = c.maxVersion() + 1;
    long params = candidate.model().lstmParams();
    Long budget = settings.paramBudget() > 0 ? Long.valueOf(settings.paramBudget()) : a.parentParams();
    List<String> why = new ArrayList<>();
    if (budget != null && params > budget) {
      why.add(params + " LSTM parameters, over the budget of " + budget);
    }
    if (candidate.parentAccuracy() != null
        && candidate.accuracy() < candidate.parentAccuracy() - settings.tolerancePoints()) {
      why.add(String.format(Locale.ROOT, "validation accuracy %.2f%% is below parent v%d's %.2f%% minus the "
          + "tolerance of %.2f points", candidate.accuracy(), a.parentVersion(), candidate.parentAccuracy(),
          settings.tolerancePoints()));
    }
    String comparison = String.format(Locale.ROOT, "validation accuracy %.2f%%%s, %d LSTM parameters%s",
        candidate.accuracy(), candidate.parentAccuracy() == null ? " (no parent)"
            : String.format(Locale.ROOT, " vs parent v%d's %.2f%%", a.parentVersion(), candidate.parentAccuracy()),
        params, budget == null ? "" : " (budget " + budget + ")");
    RetrainStatus.Builder status;
    if (why.isEmpty()) {
      long now = ctx.timerService().currentProcessingTime();
      byte[] bytes = ModelArtifacts.toBytes(CandidateRelease.artifact(version, candidate, a, now));
      ctx.output(RELEASES, CandidateRelease.release(version, bytes, now, signer));
      parent.update(new ParentModel(version, bytes));
      cursor.update(c.withMaxVersion(version));
      published.inc();
      status = status(RetrainDecision.PUBLISHED, "published v" + version + ": " + comparison, a.trigger(),
          a.parentVersion());
      LOG.info("published model v{}: {}", version, comparison);
    } else {
      rejected.inc();
      status = status(RetrainDecision.REJECTED, "rejected: " + String.join("; ", why) + " (" + comparison + ")",
          a.trigger(), a.parentVersion());
      LOG.info("rejected a candidate: {}", String.join("; ", why));
    }
    emit(out, ctx, measured(status.setVersion(version), a, candidate, budget));
    startIfDue(ctx, out);
  }

  private void startIfDue(Context ctx, Collector<RetrainStatus> out) throws Exception {
    if (countDue(cursor())) {
      start("clips", ctx, out);
    }
  }

  private RetrainCursor cursor() throws Exception {
    RetrainCursor c = cursor.value();
    return c == null ? RetrainCursor.empty() : c;
  }

  /** Why the window cannot take {@code clip}, or null. */
  /** Why a clip cannot be used: a {@link JobMetrics} reason and one line. */
  private record Problem(String code, String reason) {}

  private static Problem problem(LabeledClip clip, RetrainCursor c) {
    List<Float> features = clip.getFeatures();
    int dim = clip.getFeatureDim();
    if (features == null) {
      return new Problem(JobMetrics.BAD_LENGTH,
          "it carries no features (encoded frames need a backbone, which the retrain job does not run)");
    }
    if (dim < 1 || features.isEmpty() || features.size() % dim != 0) {
      return new Problem(JobMetrics.BAD_LENGTH, features.size() + " features are not whole frames of featureDim "
          + dim);
    }
    if (clip.getLabel().isBlank()) {
      return new Problem(JobMetrics.BAD_LABEL, "a label is required");
    }
    if (clip.getBackboneId() == null || clip.getBackboneId().isBlank()) {
      return new Problem(JobMetrics.BAD_BACKBONE, "a backbone id is required");
    }
    if (c.backboneId() != null && (!c.backboneId().equals(clip.getBackboneId()) || c.dimension() != dim)) {
      return new Problem(JobMetrics.BAD_BACKBONE, "backbone " + clip.getBackboneId() + " (dimension " + dim
          + ") differs from the window's " + c.backboneId() + " (dimension " + c.dimension() + ")");
    }
    for (Float f : features) {
      if (!Float.isFinite(f)) {
        return new Problem(JobMetrics.BAD_FEATURES, "a feature is " + f);
      }
    }
    return null;
  }

  /** Lineage data: which clips, when captured, which backbone. */
  private static String dataRange(List<TrainingClip> window, RetrainCursor c) {
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    int validation = 0;
    for (TrainingClip clip : window) {
      from = Math.min(from, clip.startTimestamp());
      to = Math.max(to, clip.endTimestamp());
      validation += clip.validation() ? 1 : 0;
    }
    return String.format(Locale.ROOT, "training-clips #%d..#%d: %d clips (%d training, %d validation) captured "
        + "%s..%s, backbone %s (dimension %d)", c.firstArrival(), c.nextArrival() - 1, window.size(),
        window.size() - validation, validation, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), c.backboneId(),
        c.dimension());
  }

  private TrainingClip trainingClip(LabeledClip clip) {
    List<Float> list = clip.getFeatures();
    float[] features = new float[list.size()];
    for (int i = 0; i < features.length; i++) {
      features[i] = list.get(i);
    }
    return new TrainingClip(clip.getStartTimestamp().toEpochMilli(), clip.getEndTimestamp().toEpochMilli(),
        clip.getLabel(), features.length / clip.getFeatureDim(), features,
        ValidationSplit.isValidation(clip, settings.validationShare()));
  }

  private static RetrainStatus.Builder status(RetrainDecision decision, String reason, String trigger,
      Long parentVersion) {
    return RetrainStatus.newBuilder().setDecision(decision).setReason(reason).setTrigger(trigger)
        .setVersion(null).setParentVersion(parentVersion).setAccuracy(null).setParentAccuracy(null)
        .setLstmParams(null).setParamBudget(null).setLabels(List.of()).setTrainingClips(0).setValidationClips(0)
        .setTrainingMs(0);
  }

  private static RetrainStatus.Builder measured(RetrainStatus.Builder status, RetrainAttempt a,
      CandidateTraining.Candidate candidate, Long budget) {
    return status.setAccuracy(candidate.accuracy()).setParentAccuracy(candidate.parentAccuracy())
        .setLstmParams(candidate.model().lstmParams()).setParamBudget(budget).setLabels(a.data().labels())
        .setTrainingClips(a.data().train().size()).setValidationClips(a.data().validation().size())
        .setTrainingMs(candidate.millis());
  }

  private static void emit(Collector<RetrainStatus> out, Context ctx, RetrainStatus.Builder status) {
    out.collect(status.setCreatedAt(Instant.ofEpochMilli(ctx.timerService().currentProcessingTime())).build());
  }
}
