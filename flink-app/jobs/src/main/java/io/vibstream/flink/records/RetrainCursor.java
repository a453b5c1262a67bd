package io.vibstream.flink.records;

/**
 * Progress of the retrain job (keyed state under its one key).
 *
 * @param firstArrival arrival number of the oldest clip in the window
 * @param nextArrival arrival number of the next accepted clip; the window holds
 *     {@code nextArrival - firstArrival} clips
 * @param backboneId backbone of the window's clips, or null before the first clip or model
 * @param dimension their feature dimension, 0 while backboneId is null
 * @param newClips clips accepted since the last retraining started
 * @param maxVersion highest model version seen on the models topic or published, 0 for none
 * @param training whether a retraining was started and not yet decided
 * @param nextTick processing time of the next timer trigger, 0 when none is registered
 */
public record RetrainCursor(long firstArrival, long nextArrival, String backboneId, int dimension, long newClips,
    long maxVersion, boolean training, long nextTick) {
  /** Before any clip or model. */
  public static RetrainCursor empty() {
    return new RetrainCursor(0, 0, null, 0, 0, 0, false, 0);
  }

  /** Clips in the window. */
  public long size() {
    return nextArrival - firstArrival;
  }

  public RetrainCursor withWindow(long first, long next, long newSinceStart) {
    return new RetrainCursor(first, next, backboneId, dimension, newSinceStart, maxVersion, training, nextTick);
  }

  public RetrainCursor withBackbone(String id, int dim) {
    return new RetrainCursor(firstArrival, nextArrival, id, dim, newClips, maxVersion, training, nextTick);
  }

  public RetrainCursor withMaxVersion(long version) {
    return new RetrainCursor(firstArrival, nextArrival, backboneId, dimension, newClips,
        Math.max(maxVersion, version), training, nextTick);
  }

  /** A retraining started: it takes every clip so far, so none is new any more. */
  public RetrainCursor started() {
    return new RetrainCursor(firstArrival, nextArrival, backboneId, dimension, 0, maxVersion, true, nextTick);
  }

  /** The running retraining was decided (or abandoned). */
  public RetrainCursor decided() {
    return new RetrainCursor(firstArrival, nextArrival, backboneId, dimension, newClips, maxVersion, false, nextTick);
  }

  public RetrainCursor withNextTick(long time) {
    return new RetrainCursor(firstArrival, nextArrival, backboneId, dimension, newClips, maxVersion, training, time);
  }
}
