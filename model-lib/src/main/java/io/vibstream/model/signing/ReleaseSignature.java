package io.vibstream.model.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * What a model release's signature covers and how it is laid out. The signed message binds the
 * release's version to its artifact's SHA-256, behind a domain-separation line, as UTF-8:
 *
 * <pre>
 * vibstream model release signature v1\n
 * version=42\n
 * sha256=&lt;64 lower-case hex digits&gt;\n
 * </pre>
 *
 * so a signed artifact cannot be replayed under another version, nor another artifact under a
 * signed version, and no other signed message of the project (none exists yet) can pass as one.
 * The signature bytes are the signing key's id (the SHA-256 of its X.509 DER encoding, 32 bytes,
 * see {@link SigningKeys#fingerprint}), then the Ed25519 signature of the message (64 bytes): the
 * id says which trusted key to verify with, and one that names an untrusted key is told apart
 * from one that does not match.
 */
public final class ReleaseSignature {
  /** The first line of every signed message. */
  public static final String DOMAIN = "vibstream model release signature v1";
  /** Bytes of the key id at the start of a signature. */
  public static final int KEY_ID_BYTES = 32;
  /** Bytes of an Ed25519 signature. */
  public static final int ED25519_BYTES = 64;
  /** Bytes of a release signature: key id and Ed25519 signature. */
  public static final int LENGTH = KEY_ID_BYTES + ED25519_BYTES;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private ReleaseSignature() {}

  /**
   * The message signed for release {@code version} of the artifact with SHA-256 {@code sha256}.
   *
   * @throws IllegalArgumentException if {@code sha256} is not 64 lower-case hex digits
   */
  public static byte[] message(long version, String sha256) {
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("a SHA-256 is 64 lower-case hex digits, got '" + sha256 + "'");
    }
    return (DOMAIN + "\nversion=" + version + "\nsha256=" + sha256 + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The key id of a signature of {@link #LENGTH} bytes. */
  static byte[] keyId(byte[] signature) {
    return Arrays.copyOfRange(signature, 0, KEY_ID_BYTES);
  }

  /** The signature of release {@code version} of {@code sha256} by {@code key}, whose public key is given. */
  static byte[] sign(PrivateKey key, PublicKey publicKey, long version, String sha256) {
    try {
      Signature s = Signature.getInstance(SigningKeys.ALGORITHM);
      s.initSign(key);
      s.update(message(version, sha256));
      byte[] out = Arrays.copyOf(SigningKeys.keyId(publicKey), LENGTH);
      System.arraycopy(s.sign(), 0, out, KEY_ID_BYTES, ED25519_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with an Ed25519 key: " + e.getMessage(), e);
    }
  }

  /** Whether the {@link #LENGTH}-byte {@code signature} is {@code key}'s for {@code version} and {@code sha256}. */
  static boolean verify(PublicKey key, byte[] signature, long version, String sha256) {
    try {
      Signature s = Signature.getInstance(SigningKeys.ALGORITHM);
      s.initVerify(key);
      s.update(message(version, sha256));
      return s.verify(signature, KEY_ID_BYTES, ED25519_BYTES);
    } catch (SignatureException e) {
      return false; // not even shaped like a signature of this key
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot verify with an Ed25519 key: " + e.getMessage(), e);
    }
  }
}
