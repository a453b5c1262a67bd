package io.vibstream.model.training;

import io.vibstream.schemas.LabeledClip;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Which clips the retrain job holds out for validation: a clip's side follows from the SHA-256
 * of its content (camera id, timestamps, feature dimension and features, not its label), so the
 * same clip lands on the same side every time, in every run and after a relabeling.
 */
public final class ValidationSplit {
  private ValidationSplit() {}

  /** Whether {@code clip} is held out when a share {@code share} in [0, 1] of clips is. */
  public static boolean isValidation(LabeledClip clip, double share) {
    return position(clip) < share;
  }

  /** The clip's place in [0, 1), uniform over clips. */
  static double position(LabeledClip clip) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
    List<Float> features = clip.getFeatures();
    ByteBuffer b = ByteBuffer.allocate(20 + 4 * (features == null ? 0 : features.size()));
    b.putLong(clip.getStartTimestamp().toEpochMilli()).putLong(clip.getEndTimestamp().toEpochMilli())
        .putInt(clip.getFeatureDim());
    if (features != null) {
      features.forEach(f -> b.putInt(Float.floatToIntBits(f)));
    }
    sha.update(clip.getCameraId().getBytes(StandardCharsets.UTF_8));
    sha.update(b.array());
    long bits = ByteBuffer.wrap(sha.digest()).getLong();
    return (bits >>> 11) * 0x1.0p-53;
  }
}
