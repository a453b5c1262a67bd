package io.vibstream.model.release;

import io.vibstream.model.artifact.InvalidArtifactException;
import io.vibstream.model.artifact.ModelArtifact;
import io.vibstream.model.artifact.ModelArtifacts;
import io.vibstream.model.artifact.ModelManifest;
import io.vibstream.model.backbone.BackboneIdentity;
import io.vibstream.model.io.FileLimitException;
import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.model.signing.TrustedKeys;
import io.vibstream.model.signing.UntrustedReleaseException;
import io.vibstream.schemas.Lineage;
import io.vibstream.schemas.ModelRelease;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/** Turns a {@link ModelRelease} into a checked, parsed model, or a one-line reason why not. */
public final class ModelReleases {
  private ModelReleases() {}

  /** Why a release was refused. */
  public static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedException(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /** A release whose bytes match its checksum and parse as a {@code .vib} artifact. */
  public record Verified(ModelRelease release, byte[] bytes, ModelArtifact artifact) {}

  /**
   * The release's artifact checked on its own, trusting no key in particular: {@link #verify(ModelRelease,
   * TrustedKeys)} with {@link TrustedKeys#none()} (the signature is not looked at).
   */
  public static Verified verify(ModelRelease release) throws RefusedException {
    return verify(release, TrustedKeys.none());
  }

  /**
   * The release's artifact checked on its own: inline bytes or a {@code file:} / local path
   * reference, SHA-256 equal to {@code sha256}; unless {@code trust} is empty, a signature by one
   * of its keys of the release's version and the bytes' SHA-256 ({@link TrustedKeys#verify}), checked
   * before the bytes are parsed, so bytes no trusted key signed are never parsed; a valid
   * {@code .vib} ({@link ModelArtifacts#fromBytes}: labels, shapes and kept inputs agree with the weights).
   */
  public static Verified verify(ModelRelease release, TrustedKeys trust) throws RefusedException {
    String source = source(release);
    byte[] bytes = bytes(release, source);
    String sha = ModelArtifacts.sha256Hex(bytes);
    if (release.getSha256() == null || !sha.equals(release.getSha256().toLowerCase(Locale.ROOT))) {
      throw new RefusedException(source + ": SHA-256 mismatch: release says " + release.getSha256() + ", bytes are "
          + sha, null);
    }
    if (!trust.isEmpty()) {
      try {
        trust.verify(release.getVersion(), sha, release.getSignature());
      } catch (UntrustedReleaseException e) {
        throw new RefusedException(source + ": " + e.getMessage(), e);
      }
    }
    try {
      return new Verified(release, bytes, parse(bytes, source));
    } catch (InvalidArtifactException e) {
      throw new RefusedException(e.getMessage(), e);
    }
  }

  /**
   * {@link #verify(ModelRelease)} (no signature check) and whether the release may replace what
   * serves: trained on {@code backbone} (same id and dimension), a version above
   * {@code servingVersion} (a rollback is a new, higher version), and the clip length of the
   * {@code serving} model if there is one (the camera windows keep that many frames; another length
   * would leave them short or change their meaning).
   *
   * @param servingVersion the serving version, 0 if none
   * @param serving the serving model, or null if none
   */
  public static Verified validate(ModelRelease release, BackboneIdentity backbone, long servingVersion,
      ModelArtifact serving) throws RefusedException {
    return validate(release, TrustedKeys.none(), backbone, servingVersion, serving);
  }

  /**
   * {@link #validate(ModelRelease, BackboneIdentity, long, ModelArtifact)}, the artifact checked by
   * {@link #verify(ModelRelease, TrustedKeys)}: signed by one of {@code trust}'s keys unless it is empty.
   */
  public static Verified validate(ModelRelease release, TrustedKeys trust, BackboneIdentity backbone,
      long servingVersion, ModelArtifact serving) throws RefusedException {
    String source = source(release);
    if (release.getVersion() <= servingVersion) {
      throw new RefusedException(source + ": version " + release.getVersion() + " is not newer than the serving "
          + "version " + servingVersion, null);
    }
    Verified verified = verify(release, trust);
    ModelManifest manifest = verified.artifact().manifest();
    ModelManifest.Backbone b = manifest.backbone();
    if (!b.id().equals(backbone.id()) || b.dimension() != backbone.dimension()) {
      throw new RefusedException(source + ": trained on backbone " + b.id() + " (dimension " + b.dimension()
          + "), this job runs " + backbone.id() + " (dimension " + backbone.dimension() + ")", null);
    }
    if (serving != null && manifest.clipLength() != serving.manifest().clipLength()) {
      throw new RefusedException(source + ": clip length " + manifest.clipLength() + " differs from the serving "
          + "model's " + serving.manifest().clipLength() + " (windows keep that many frames; start the job afresh "
          + "to change it)", null);
    }
    return verified;
  }

  /**
   * The release's artifact after every check of {@link #verify(ModelRelease, TrustedKeys)}
   * (checksum, signature unless {@code trust} is empty, a valid {@code .vib}); the caller compares
   * its backbone with what it needs, e.g. the clips it trains on.
   */
  public static ModelArtifact artifact(ModelRelease release, TrustedKeys trust) throws RefusedException {
    return verify(release, trust).artifact();
  }

  /**
   * The release of a {@code .vib} artifact's bytes, inline, as version {@code version}: their
   * SHA-256, the metrics and lineage of {@code manifest} (the bytes' own manifest), and
   * {@code signer}'s signature of the version and SHA-256 ({@link #signature}).
   *
   * @param signer the release's signer, or null for an unsigned release
   */
  public static ModelRelease inline(long version, byte[] bytes, ModelManifest manifest, Instant createdAt,
      ReleaseSigner signer) {
    ModelManifest.Lineage l = manifest.lineage();
    String sha = ModelArtifacts.sha256Hex(bytes);
    return ModelRelease.newBuilder()
        .setVersion(version)
        .setArtifact(ByteBuffer.wrap(bytes))
        .setReference(null)
        .setSha256(sha)
        .setSignature(signature(signer, version, sha))
        .setMetrics(Map.copyOf(manifest.metrics()))
        .setLineage(Lineage.newBuilder()
            .setParentVersion(l.parentVersion())
            .setData(l.data())
            .setBeta(l.beta())
            .setBetaInput(l.betaInput())
            .setTraining(l.training())
            .build())
        .setCreatedAt(createdAt)
        .build();
  }

  /**
   * The {@link ModelRelease#getSignature() signature} of release {@code version} of the artifact
   * with SHA-256 {@code sha256} by {@code signer} ({@link ReleaseSigner#sign}), or null (unsigned)
   * if {@code signer} is null. A release's signature must be made again for any other version,
   * e.g. when a rollback republishes an artifact.
   */
  public static ByteBuffer signature(ReleaseSigner signer, long version, String sha256) {
    return signer == null ? null : ByteBuffer.wrap(signer.sign(version, sha256.toLowerCase(Locale.ROOT)));
  }

  /** Parses bytes already checked by {@link #verify(ModelRelease, TrustedKeys)}. */
  public static ModelArtifact parse(byte[] bytes, String source) {
    return ModelArtifacts.fromBytes(bytes, source);
  }

  private static String source(ModelRelease release) {
    return "model release v" + release.getVersion();
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
      return ModelArtifacts.readBytes(path);
    } catch (FileLimitException e) {
      throw new RefusedException(source + ": cannot read " + reference + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new RefusedException(source + ": cannot read " + reference + ": " + e, e);
    }
  }
}
