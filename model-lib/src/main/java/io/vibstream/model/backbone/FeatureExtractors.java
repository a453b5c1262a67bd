package io.vibstream.model.backbone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/** Opens a {@link FeatureExtractor} from a spec string, as the CLI and the Flink jobs accept it. */
public final class FeatureExtractors {
  private FeatureExtractors() {}

  /**
   * Opens a backbone:
   * <ul>
   *   <li>{@code builtin:FILE} - a {@link BuiltinCnn} artifact written by {@link BuiltinCnnTrainer};
   *   <li>{@code PATH.pt} - TorchScript, with {@code PATH.json} ({@link Preprocessing}) beside it;
   *   <li>{@code PATH.onnx} - ONNX, with {@code PATH.json} beside it.
   * </ul>
   *
   * @throws BackboneException with a one-line message for an unknown spec, a missing file or an
   *     invalid model
   */
  public static FeatureExtractor open(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new BackboneException("empty backbone spec; expected builtin:FILE, PATH.pt or PATH.onnx");
    }
    if (spec.startsWith("builtin:")) {
      return BuiltinExtractor.open(path(spec, spec.substring("builtin:".length())));
    }
    String lower = spec.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".pt")) {
      return TorchScriptExtractor.open(path(spec, spec));
    }
    if (lower.endsWith(".onnx")) {
      return OnnxExtractor.open(path(spec, spec));
    }
    throw new BackboneException("unknown backbone spec '" + spec + "'; expected builtin:FILE, PATH.pt or PATH.onnx");
  }

  private static Path path(String spec, String path) {
    if (path.isBlank()) {
      throw new BackboneException("backbone spec '" + spec + "' names no file");
    }
    try {
      return Path.of(path);
    } catch (InvalidPathException e) {
      throw new BackboneException("backbone spec '" + spec + "': invalid path: " + e.getMessage(), e);
    }
  }

  /** {@code file} if it is a regular file, else a "no such file" error. */
  static Path requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new BackboneException(file + ": no such file");
    }
    return file;
  }

  /** {@code model.json} for {@code model.pt} / {@code model.onnx}. */
  static Path sidecar(Path model) {
    String name = model.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
  }

  /** The JSON's id if given, else the file name without its extension. */
  static String name(Path model, String jsonId) {
    if (jsonId != null && !jsonId.isBlank()) {
      return jsonId;
    }
    String name = model.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /** First 12 hex digits of the file's SHA-256. */
  static String sha12(Path file) {
    try {
      return DjlExtractor.sha256Hex(file).substring(0, 12);
    } catch (IOException e) {
      throw new BackboneException(file + ": cannot read: " + e, e);
    }
  }
}
