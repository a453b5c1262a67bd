package io.vibstream.model.pose;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The folder of MediaPipe BlazePose model files (npm {@code @mediapipe/pose@0.5.1675469404}) that
 * {@code bin/setup} fetches, and their pinned SHA-256 values. Nothing is downloaded at run time:
 * every file is hashed when handed out, and a missing or altered file fails with a one-line
 * message naming the file, the folder and the fix.
 *
 * <p>Folder: the system property {@value #PROPERTY}, else the environment variable {@value #ENV},
 * else {@code .models/pose/} under the repository root (the nearest folder above the working
 * directory that holds {@code bin/setup}).
 */
public final class PoseModels {
  /** System property naming the models folder. */
  public static final String PROPERTY = "vibstream.pose.models";
  /** Environment variable naming the models folder. */
  public static final String ENV = "VIBSTREAM_POSE_MODELS";
  /** The person detector (pose_solution_packed_assets.data of the package, a TFLite file). */
  public static final String DETECTION = "pose_detection.tflite";

  /** The BlazePose landmark model variants fetched: lite is faster, full a little more precise. */
  public enum Landmark {
    LITE("pose_landmark_lite.tflite"),
    FULL("pose_landmark_full.tflite");

    private final String fileName;

    Landmark(String fileName) {
      this.fileName = fileName;
    }

    public String fileName() {
      return fileName;
    }
  }

  /** Pinned hashes, the same file bin/fetch-pose-models checks (models/pose/SHA256SUMS). */
  private static final String SUMS_RESOURCE = "/io/vibstream/model/pose/SHA256SUMS";
  private static final Map<String, String> SHA256 = loadSums();

  private final Path folder;

  private PoseModels(Path folder) {
    this.folder = folder;
  }

  /** The models in {@code folder} (files are checked when asked for). */
  public static PoseModels in(Path folder) {
    return new PoseModels(folder.toAbsolutePath().normalize());
  }

  /** The models in the configured folder: system property, environment variable, or repo default. */
  public static PoseModels locate() {
    String configured = System.getProperty(PROPERTY);
    if (configured == null || configured.isBlank()) {
      configured = System.getenv(ENV);
    }
    if (configured != null && !configured.isBlank()) {
      return in(Path.of(configured));
    }
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("bin/setup"))) {
        return in(d.resolve(".models/pose"));
      }
    }
    return in(dir.resolve(".models/pose"));
  }

  public Path folder() {
    return folder;
  }

  /** The verified person detector file. */
  public Path detection() {
    return verified(DETECTION);
  }

  /** The verified landmark model file of {@code variant}. */
  public Path landmark(Landmark variant) {
    return verified(variant.fileName());
  }

  /** File names and their pinned SHA-256 (lower-case hex). */
  public static Map<String, String> pinnedSha256() {
    return SHA256;
  }

  /**
   * {@code fileName} in the folder after checking its SHA-256 against the pinned value.
   *
   * @throws PoseModelException (one line) when the file is missing, unreadable or altered
   */
  public Path verified(String fileName) {
    String expected = SHA256.get(fileName);
    if (expected == null) {
      throw new IllegalArgumentException("not a pinned pose model file: " + fileName);
    }
    Path file = folder.resolve(fileName);
    String fix = "run bin/setup (or set " + ENV + " / -D" + PROPERTY + " to a folder holding the files)";
    if (!Files.isRegularFile(file)) {
      throw new PoseModelException("pose model " + fileName + " not found in " + folder + ": " + fix);
    }
    String actual;
    try {
      actual = sha256(file);
    } catch (IOException e) {
      throw new PoseModelException("pose model " + file + " unreadable (" + oneLine(e) + "): " + fix);
    }
    if (!actual.equals(expected)) {
      throw new PoseModelException("pose model " + file + " has SHA-256 " + actual + ", expected " + expected
          + " (altered or partial): " + fix);
    }
    return file;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        digest.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String oneLine(Exception e) {
    return String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
  }

  private static Map<String, String> loadSums() {
    try (InputStream in = PoseModels.class.getResourceAsStream(SUMS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + SUMS_RESOURCE);
      }
      Map<String, String> sums = new LinkedHashMap<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String[] parts = line.trim().split("\\s+\\*?", 2);
        if (parts.length == 2 && parts[0].matches("[0-9a-f]{64}")) {
          sums.put(parts[1].trim(), parts[0]);
        }
      }
      return Map.copyOf(sums);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A missing or altered model file; the message is one line with the fix. */
  public static final class PoseModelException extends IllegalStateException {
    public PoseModelException(String message) {
      super(message);
    }
  }
}
