package io.vibstream.connectors.synth;

/**
 * The error model of a real per-frame pose estimator that {@link SurveillanceMotion} puts on the
 * renderer's exact projected joints, so that an action model trained on synthetic skeletons sees
 * the kind of input the live estimator gives it.
 *
 * <p><b>Where to set measured values:</b> {@link #DEFAULT} holds the values in use. Its jitters,
 * visibilities, box jitter and gait leg swing are measured on this project's estimator on real video
 * ({@code vtest.avi}, docs/results/real/vtest); the other values are estimates from the
 * literature on top-down 2D estimators at surveillance resolutions. When the estimator or the
 * video changes, re-measure ({@code vibstream eval-people}), put the numbers into {@link #DEFAULT}
 * (or pass a record to {@link SurveillanceMotion#write}) and regenerate the data set.
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
 *     from [occludedMin, occludedMax] (about a third below 0.5 with the defaults: the real
 *     estimator mostly gives far-side limbs a visible, guessed position)
 * @param occludedMax largest such visibility
 * @param gaitLegSwingMin smallest share of a walker's or runner's leg swing (hip and knee angles)
 *     that the estimator reports, drawn per clip from [gaitLegSwingMin, 1]: on persons a few dozen
 *     pixels tall the real estimator draws the legs nearer a standing pose than they are
 */
public record EstimatorNoise(double torsoJitter, double headJitter, double legJitter, double armJitter,
    double pixelJitter, double jitterCorrelation, double occludedJitterFactor, double dropout, double limbDrop,
    double limbDropPersist, double farHeight, double nearHeight, double swap, double swapPersist,
    double boxMarginMin, double boxMarginMax, double boxJitter, double boxScaleDrift,
    double visibleMin, double visibleMax, double occludedMin, double occludedMax, double gaitLegSwingMin) {

  /**
   * The values in use: the jitters, the share of invisible joints and the box jitter are set from
   * the measurement of the project's estimator (BlazePose lite) on real video, {@code vtest.avi}
   * (docs/results/real/vtest/README.md: each DEFAULT jitter scaled by the measured real / DEFAULT
   * ratio; 7.9% of real joints below visibility 0.5, 7.3% of persons under 80 px, 8.5% above);
   * the rest are estimates (see the class comment). With these values about 8% of
   * joints fall below 0.5 (8.4% under 80 px, 8.1% above, all 13 classes, training pool).
   */
  public static final EstimatorNoise DEFAULT = new EstimatorNoise(
      0.019, // torsoJitter: vtest measurement (docs/results/real/vtest)
      0.024, // headJitter: vtest measurement (docs/results/real/vtest)
      0.0234, // legJitter: vtest measurement (docs/results/real/vtest)
      0.0364, // armJitter: vtest measurement (docs/results/real/vtest)
      0.5, // pixelJitter: estimate
      0.3, // jitterCorrelation: estimate
      2.0, // occludedJitterFactor: estimate
      0.02, // dropout: so ~8% of joints are below 0.5 as measured on vtest (docs/results/real/vtest)
      0, // limbDrop: none; vtest measurement: far persons lose no more joints than near (7.3% vs 8.5%)
      0.5, // limbDropPersist: unused while limbDrop is 0
      60, 110, // farHeight, nearHeight: unused while limbDrop is 0
      0.015, 0.5, // swap, swapPersist: estimates
      0.02, 0.10, // boxMarginMin, boxMarginMax: estimates
      0.042, // boxJitter: vtest measurement, box center jitter (docs/results/real/vtest)
      0.05, // boxScaleDrift: estimate (vtest box height jitter 1.5x comes mostly via boxJitter)
      0.7, 0.99, // visibleMin, visibleMax: estimates
      0.32, 0.85, // occludedMin/Max: raised from 0.15-0.65, vtest measurement: far-side limbs mostly visible (docs/results/real/vtest)
      0.3); // gaitLegSwingMin: vtest measurement, real walkers' ankles half as far from the pelvis's vertical as synthetic (docs/results/real/vtest)

  /** No estimator error at all: the renderer's exact joints, a tight box, everything visible. */
  public static final EstimatorNoise NONE = new EstimatorNoise(0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 60, 110, 0, 0, 0, 0, 0,
      0, 1, 1, 1, 1, 1);

  public EstimatorNoise {
    double[] all = {torsoJitter, headJitter, legJitter, armJitter, pixelJitter, jitterCorrelation,
        occludedJitterFactor, dropout, limbDrop, limbDropPersist, farHeight, nearHeight, swap, swapPersist,
        boxMarginMin, boxMarginMax, boxJitter, boxScaleDrift, visibleMin, visibleMax, occludedMin, occludedMax,
        gaitLegSwingMin};
    for (double v : all) {
      if (!(v >= 0) || !Double.isFinite(v)) {
        throw new IllegalArgumentException("noise parameters must be finite and >= 0");
      }
    }
    if (jitterCorrelation >= 1 || dropout > 1 || limbDrop > 1 || limbDropPersist > 1 || swap > 1 || swapPersist > 1
        || visibleMax > 1 || visibleMax < visibleMin || occludedMax > 1 || occludedMax < occludedMin
        || boxMarginMax < boxMarginMin || nearHeight <= farHeight || gaitLegSwingMin > 1) {
      throw new IllegalArgumentException("noise parameters out of range: " + this);
    }
  }
}
