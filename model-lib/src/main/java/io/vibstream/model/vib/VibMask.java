package io.vibstream.model.vib;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A variational information bottleneck mask: one multiplicative Gaussian unit per feature.
 *
 * <pre>
 *   training:   z_j = mu_j + sigma_j * eps_j,   eps_j ~ N(0, 1), one draw per example
 *   inference:  z_j = mu_j if log alpha_j &lt; threshold, else 0
 *   log alpha_j = log sigma_j^2 - log(mu_j^2 + 1e-8)
 *   KL          = sum_j log(1 + mu_j^2 / sigma_j^2)
 * </pre>
 *
 * Parameters are {@code mu} and {@code log sigma^2}, initialized as VIBNet does (mu near 1 with
 * spread 0.01, log sigma^2 near -9). Wherever it is used, log sigma^2 is clipped to
 * [{@value #MIN_LOG_SIGMA2}, {@value #MAX_LOG_SIGMA2}]: the KL term drives the variance of pruned
 * units up without bound, and unbounded noise overflows the cell state to NaN. The mask owns its two parameter arrays; they live in the
 * manager passed at construction.
 */
public final class VibMask {
  /** Added to mu^2 before the log in log alpha. */
  public static final double LOG_ALPHA_EPS = 1e-8;
  /** Lower clip of log sigma^2. */
  public static final float MIN_LOG_SIGMA2 = -20f;
  /** Upper clip of log sigma^2 (sigma about 148). */
  public static final float MAX_LOG_SIGMA2 = 10f;

  private final int units;
  private final NDArray mu;
  private final NDArray logSigma2;

  private VibMask(NDArray mu, NDArray logSigma2) {
    this.units = Math.toIntExact(mu.size());
    this.mu = mu;
    this.logSigma2 = logSigma2;
    mu.setRequiresGradient(true);
    logSigma2.setRequiresGradient(true);
  }

  /** A new mask of {@code units} units with VIBNet's initialization (seeded). */
  public static VibMask initialize(NDManager manager, int units, long seed) {
    java.util.Random random = new java.util.Random(seed);
    float[] mu = new float[units];
    float[] logSigma2 = new float[units];
    for (int j = 0; j < units; j++) {
      mu[j] = (float) (1.0 + 0.01 * random.nextGaussian());
      logSigma2[j] = (float) (-9.0 + 0.01 * random.nextGaussian());
    }
    return of(manager, mu, logSigma2);
  }

  /** A mask with the given parameter values. */
  public static VibMask of(NDManager manager, float[] mu, float[] logSigma2) {
    if (mu.length != logSigma2.length || mu.length == 0) {
      throw new IllegalArgumentException("mu and logSigma2 must have the same, non-zero length");
    }
    return new VibMask(manager.create(mu), manager.create(logSigma2));
  }

  public int units() {
    return units;
  }

  /** The mean parameter, shape [units]. */
  public NDArray mu() {
    return mu;
  }

  /** The log-variance parameter, shape [units]. */
  public NDArray logSigma2() {
    return logSigma2;
  }

  /** A reparameterised sample, one row per example: shape [batch, units]. */
  public NDArray sample(NDManager manager, int batch) {
    NDArray eps = manager.randomNormal(new Shape(batch, units));
    return eps.mul(clippedLogSigma2().mul(0.5).exp()).add(mu);
  }

  /** The KL term {@code sum_j log(1 + mu_j^2 / sigma_j^2)} as a scalar array (differentiable). */
  public NDArray kl() {
    return mu.square().mul(clippedLogSigma2().neg().exp()).add(1).log().sum();
  }

  /** {@code log alpha_j = log sigma_j^2 - log(mu_j^2 + 1e-8)}, shape [units]. */
  public NDArray logAlpha() {
    return clippedLogSigma2().sub(mu.square().add(LOG_ALPHA_EPS).log());
  }

  private NDArray clippedLogSigma2() {
    return logSigma2.clip(MIN_LOG_SIGMA2, MAX_LOG_SIGMA2);
  }

  /** Which units are kept: {@code log alpha_j < threshold}. */
  public boolean[] kept(double threshold) {
    float[] logAlpha = logAlpha().toFloatArray();
    boolean[] kept = new boolean[units];
    for (int j = 0; j < units; j++) {
      kept[j] = logAlpha[j] < threshold;
    }
    return kept;
  }

  /** The deterministic inference mask: mu on kept units, 0 on pruned ones. */
  public float[] inferenceValues(double threshold) {
    float[] values = mu.toFloatArray();
    boolean[] kept = kept(threshold);
    for (int j = 0; j < units; j++) {
      if (!kept[j]) {
        values[j] = 0f;
      }
    }
    return values;
  }

  /** Number of units kept at {@code threshold}. */
  public int keptCount(double threshold) {
    int n = 0;
    for (boolean k : kept(threshold)) {
      n += k ? 1 : 0;
    }
    return n;
  }
}
