package io.vibstream.connectors.synth;

/**
 * The error model of a real per-frame pose estimator that {@link SurveillanceMotion} puts on the
 * renderer's exact projected joints, so that an action model trained on synthetic skeletons sees
 * the kind of input the live estimator gives it.
 *
 * <p><b>Where to set measured values:</b> {@link #DEFAULT} holds the values in use. They are
 * estimates from the literature on top-down 2D estimators at surveillance resolutions (per-joint
 * error of about 1-3% of the person's height, hands and elbows worst, keypoints of small persons
 * lost), not yet measured on this project's estimator. When the jitter of the real estimator has
 * been measured on real video (e.g. the standard deviation of a still person's joints over frames,
 * as a fraction of the box height), put the numbers into {@link #DEFAULT} (or pass a record to
 * {@link SurveillanceMotion#write}) and regenerate the data set.
 *
 * @param torsoJitter per-frame Gaussian jitter of the pelvis, neck, shoulders and hips, standard
 *     deviation as a fraction of the box height
 * @param headJitter the same for the head
 * @param legJitter the same for knees, ankles and toes
 * @param armJitter the same for elbows and hands (thin, fast, most often mislocated)
 * @param pixelJitter a floor added to every joint's standard deviation, in pixels (the estimator's
 *     heatmap resolution on small persons)
 * @param jitterCorrelation frame-to-frame correlation of the jitter (AR(1) coefficient): real
 *     estimators' errors on consecutive frames are partly the same
 * @param occludedJitterFactor multiplier of the jitter of a joint hidden behind the body
 * @param dropout chance per joint per frame that the estimator loses it (visibility below 0.5)
 * @param limbDrop chance per frame that a whole arm or leg is lost, at {@link #farHeight} pixels
 *     and below, falling to 0 at {@link #nearHeight} pixels
 * @param limbDropPersist chance that a lost limb stays lost in the next frame
 * @param farHeight box height (pixels) at and below which limb drops are most frequent
 * @param nearHeight box height (pixels) above which there are no limb drops
 * @param swap chance per frame of a left/right swap of all paired joints (the estimator confusing
 *     a person's front and back)
 * @param swapPersist chance that a swap lasts into the next frame
 * @param boxMarginMin smallest margin of the box around the joints' extent, per side, fraction of
 *     the height (drawn per clip)
 * @param boxMarginMax largest such margin
 * @param boxJitter per-frame Gaussian jitter of each box edge, fraction of the height (the
 *     detector's box is not the keypoints' extent)
 * @param boxScaleDrift amplitude of a slow change of the box's scale over a clip (the detector
 *     growing and shrinking its box), fraction
 * @param visibleMin smallest visibility (confidence) the estimator gives a joint it sees; drawn
 *     per joint per frame from [visibleMin, visibleMax]
 * @param visibleMax largest such visibility
 * @param occludedMin smallest visibility of a joint hidden behind the body (self-occlusion); drawn
 *     from [occludedMin, occludedMax], about half below 0.5 with the defaults, so far-side limbs
 *     are often dropped by the feature transform
 * @param occludedMax largest such visibility
 */
public record EstimatorNoise(double torsoJitter, double headJitter, double legJitter, double armJitter,
    double pixelJitter, double jitterCorrelation, double occludedJitterFactor, double dropout, double limbDrop,
    double limbDropPersist, double farHeight, double nearHeight, double swap, double swapPersist,
    double boxMarginMin, double boxMarginMax, double boxJitter, double boxScaleDrift,
    double visibleMin, double visibleMax, double occludedMin, double occludedMax) {

  /**
   * The values in use (estimates, see the class comment): jitter 1.0% (torso), 1.2% (head), 1.8%
   * (legs), 2.8% (arms) of the box height plus 0.5 px, 30% correlated frame to frame; 3% joint
   * dropouts; whole-limb drops up to 8% of frames for persons of 60 px and below, none above 110
   * px; 1.5% left/right swaps; box margins 2-10% per side, 2% edge jitter, up to 5% scale drift;
   * visibility 0.7-0.99 for joints in view, 0.15-0.65 for joints behind the body.
   */
  public static final EstimatorNoise DEFAULT = new EstimatorNoise(0.010, 0.012, 0.018, 0.028, 0.5, 0.3, 2.0, 0.03,
      0.08, 0.5, 60, 110, 0.015, 0.5, 0.02, 0.10, 0.02, 0.05, 0.7, 0.99, 0.15, 0.65);

  /** No estimator error at all: the renderer's exact joints, a tight box, everything visible. */
  public static final EstimatorNoise NONE = new EstimatorNoise(0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 60, 110, 0, 0, 0, 0, 0,
      0, 1, 1, 1, 1);

  public EstimatorNoise {
    double[] all = {torsoJitter, headJitter, legJitter, armJitter, pixelJitter, jitterCorrelation,
        occludedJitterFactor, dropout, limbDrop, limbDropPersist, farHeight, nearHeight, swap, swapPersist,
        boxMarginMin, boxMarginMax, boxJitter, boxScaleDrift, visibleMin, visibleMax, occludedMin, occludedMax};
    for (double v : all) {
      if (!(v >= 0) || !Double.isFinite(v)) {
        throw new IllegalArgumentException("noise parameters must be finite and >= 0");
      }
    }
    if (jitterCorrelation >= 1 || dropout > 1 || limbDrop > 1 || limbDropPersist > 1 || swap > 1 || swapPersist > 1
        || visibleMax > 1 || visibleMax < visibleMin || occludedMax > 1 || occludedMax < occludedMin
        || boxMarginMax < boxMarginMin || nearHeight <= farHeight) {
      throw new IllegalArgumentException("noise parameters out of range: " + this);
    }
  }
}
