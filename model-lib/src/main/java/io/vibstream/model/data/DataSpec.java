package io.vibstream.model.data;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training data named by a one-string spec:
 *
 * <ul>
 *   <li>{@code idx:DIR} - MNIST-style IDX files, see {@link IdxDataset};
 *   <li>{@code features:DIR[:clipLength]} - per-clip feature sequences, see {@link FeatureSequences},
 *       resampled to {@code clipLength} frames ({@value #DEFAULT_CLIP_LENGTH} if not given).
 * </ul>
 */
public final class DataSpec {
  /** Frames per clip for {@code features:DIR} without an explicit clip length. */
  public static final int DEFAULT_CLIP_LENGTH = 16;
  private static final String USAGE = "expected idx:DIR or features:DIR[:clipLength]";
  private static final Pattern CLIP_LENGTH = Pattern.compile("(.+):(\\d+)");

  private DataSpec() {}

  /**
   * Loads the data {@code spec} names.
   *
   * @throws InvalidDataException for an unknown scheme, no directory, a clip length below 1, or any
   *     error of the loader
   */
  public static DataSplit load(String spec) {
    int colon = spec.indexOf(':');
    if (colon < 0) {
      throw new InvalidDataException("data spec '" + spec + "' has no scheme (" + USAGE + ")");
    }
    String scheme = spec.substring(0, colon);
    String rest = spec.substring(colon + 1);
    switch (scheme) {
      case "idx":
        return IdxDataset.load(dir(spec, rest));
      case "features":
        Matcher m = CLIP_LENGTH.matcher(rest);
        if (!m.matches()) {
          return FeatureSequences.read(dir(spec, rest), DEFAULT_CLIP_LENGTH);
        }
        int clipLength;
        try {
          clipLength = Integer.parseInt(m.group(2));
        } catch (NumberFormatException e) {
          clipLength = 0;
        }
        if (clipLength < 1) {
          throw new InvalidDataException("data spec '" + spec + "': clip length must be between 1 and "
              + Integer.MAX_VALUE + ", got " + m.group(2));
        }
        return FeatureSequences.read(dir(spec, m.group(1)), clipLength);
      default:
        throw new InvalidDataException("data spec '" + spec + "': unknown scheme '" + scheme + "' (" + USAGE + ")");
    }
  }

  private static Path dir(String spec, String path) {
    if (path.isBlank()) {
      throw new InvalidDataException("data spec '" + spec + "': no directory given (" + USAGE + ")");
    }
    try {
      return Path.of(path);
    } catch (InvalidPathException e) {
      throw new InvalidDataException("data spec '" + spec + "': invalid path: " + e.getMessage(), e);
    }
  }
}
