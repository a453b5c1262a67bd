package io.vibstream.flink.functions;

import io.vibstream.flink.records.BackboneIdentity;
import io.vibstream.model.artifact.InvalidArtifactException;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.schemas.ModelRelease;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Turns a {@link ModelRelease} into validated artifact bytes, or a one-line reason why not. */
public final class ModelReleases {
  private ModelReleases() {}

  /** Why a release was refused. */
  public static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedException(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /**
   * The release's artifact bytes after every check: inline bytes or a {@code file:} / local path
   * reference, SHA-256 equal to {@code sha256}, a valid {@code .vib} ({@link ModelArtifacts#fromBytes}),
   * trained on {@code backbone} (same id and dimension).
   */
  public static byte[] validate(ModelRelease release, BackboneIdentity backbone) throws RefusedException {
    String source = "model release v" + release.getVersion();
    byte[] bytes = bytes(release, source);
    ModelManifest.Backbone b = checked(bytes, release.getSha256(), source).manifest().backbone();
    if (!b.id().equals(backbone.id()) || b.dimension() != backbone.dimension()) {
      throw new RefusedException(source + ": trained on backbone " + b.id() + " (dimension " + b.dimension()
          + "), this job runs " + backbone.id() + " (dimension " + backbone.dimension() + ")", null);
    }
    return bytes;
  }

  /**
   * The release's artifact after every check of {@link #validate} but the backbone's (which the
   * caller compares with what it needs, e.g. the clips it trains on).
   */
  public static ModelArtifact artifact(ModelRelease release) throws RefusedException {
    String source = "model release v" + release.getVersion();
    return checked(bytes(release, source), release.getSha256(), source);
  }

  private static ModelArtifact checked(byte[] bytes, String sha256, String source) throws RefusedException {
    String sha = ModelArtifacts.sha256Hex(bytes);
    if (sha256 == null || !sha.equals(sha256.toLowerCase(Locale.ROOT))) {
      throw new RefusedException(source + ": SHA-256 mismatch: release says " + sha256 + ", bytes are " + sha, null);
    }
    try {
      return parse(bytes, source);
    } catch (InvalidArtifactException e) {
      throw new RefusedException(e.getMessage(), e);
    }
  }

  /** Parses bytes already validated by {@link #validate}. */
  public static ModelArtifact parse(byte[] bytes, String source) {
    return ModelArtifacts.fromBytes(bytes, source);
  }

  private static byte[] bytes(ModelRelease release, String source) throws RefusedException {
    ByteBuffer inline = release.getArtifact();
    String reference = release.getReference();
    if ((inline == null) == (reference == null)) {
      throw new RefusedException(source + ": exactly one of artifact and reference must be set", null);
    }
    if (inline != null) {
      ByteBuffer b = inline.duplicate();
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    }
    if (reference.contains("://") && !reference.startsWith("file:")) {
      throw new RefusedException(source + ": unsupported reference " + reference + " (inline bytes, file: URIs "
          + "or local paths)", null);
    }
    try {
      Path path = reference.startsWith("file:") ? Path.of(URI.create(reference)) : Path.of(reference);
      return Files.readAllBytes(path);
    } catch (IOException | RuntimeException e) {
      throw new RefusedException(source + ": cannot read " + reference + ": " + e, e);
    }
  }
}
