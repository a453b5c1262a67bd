package io.vibstream.cli;

import io.vibstream.connectors.camera.CameraSettings;
import io.vibstream.connectors.camera.CameraSource;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.pose.PersonFeatures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the people commands ({@code recognize}, {@code demo --video}, {@code label}) take from a
 * video file and a person model: the file's size and frame rate as the camera opens it, its default
 * camera id, and the per-person action model (by default the installation's shipped one).
 */
final class PeopleInputs {
  static final String SHIPPED_MODEL = "models/people/model.vib";

  private PeopleInputs() {}

  /** The file's size and frame rate (25 when the file gives none or an absurd one). */
  record Probe(int width, int height, double fps) {}

  /** Opens {@code file} as the camera will; an unreadable file fails with the reader's message. */
  static Probe probe(Path file) throws IOException {
    try (CameraSource source = CameraSource.open(file.toString(), CameraSettings.defaults())) {
      double fps = source.frameRate();
      return new Probe(source.width(), source.height(), fps > 0 && fps < 1000 ? fps : 25);
    }
  }

  /** {@code vibstream.home} (set by the launcher), else the nearest folder above the working one with bin/setup. */
  static Path installation() {
    String home = System.getProperty("vibstream.home");
    if (home != null && !home.isBlank()) {
      return Path.of(home);
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("bin/setup"))) {
        return d;
      }
    }
    return null;
  }

  /** {@code given}, else the shipped person model; fails in one line when neither exists. */
  static Path model(Path given) {
    if (given != null) {
      return given;
    }
    Path home = installation();
    Path shipped = home == null ? null : home.resolve(SHIPPED_MODEL);
    if (shipped == null || !Files.isRegularFile(shipped)) {
      throw new IllegalArgumentException("no --model given and no shipped model at "
          + (shipped == null ? SHIPPED_MODEL : shipped));
    }
    return shipped;
  }

  /** Reads a model trained on per-person features; a wrong or unreadable one fails in one line naming the file. */
  static ModelArtifact personModel(Path file) {
    ModelArtifact artifact;
    try {
      artifact = ModelArtifacts.read(file);
    } catch (RuntimeException e) {
      String why = oneLine(e);
      throw new IllegalArgumentException(why.contains(file.toString()) ? why : file + ": " + why);
    }
    if (!PersonFeatures.ID.equals(artifact.manifest().backbone().id())) {
      throw new IllegalArgumentException(file + " was trained on '" + artifact.manifest().backbone().id()
          + "' features, not per-person '" + PersonFeatures.ID + "' ones");
    }
    return artifact;
  }

  /** The file name without extension, in camera-id characters. */
  static String defaultCameraId(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String id = stem.replaceAll("[^A-Za-z0-9_.-]", "_");
    return id.isEmpty() ? "video" : id;
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip().replace('\n', ' ');
  }
}
