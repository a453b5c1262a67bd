package io.vibstream.model.signing;

import java.io.Serializable;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * Signs model releases ({@link ReleaseSignature}) with one Ed25519 private key. Serializable, so
 * that a job that publishes releases (the retrain job) carries it: as the key's PKCS#8 bytes,
 * which is to say that whoever can read the job graph can read the key.
 */
public final class ReleaseSigner implements Serializable {
  private static final long serialVersionUID = 1L;

  private final byte[] pkcs8;
  private transient PrivateKey key;
  private transient PublicKey publicKey;

  private ReleaseSigner(PrivateKey key, PublicKey publicKey) {
    this.pkcs8 = key.getEncoded();
    this.key = key;
    this.publicKey = publicKey;
  }

  /** The signer of the private key in {@code file} ({@link SigningKeys#readPrivate}: one-line errors). */
  public static ReleaseSigner load(Path file) {
    PrivateKey key = SigningKeys.readPrivate(file);
    return new ReleaseSigner(key, SigningKeys.publicKeyOf(key));
  }

  /**
   * A signer of a new key that exists only in memory: for runs that start the job themselves
   * (the demo, the benches), so that they publish signed releases to a job that trusts this key.
   */
  public static ReleaseSigner generate() {
    KeyPair pair = SigningKeys.generate();
    return new ReleaseSigner(pair.getPrivate(), pair.getPublic());
  }

  /** The signature of release {@code version} of the artifact with SHA-256 {@code sha256} (lower-case hex). */
  public byte[] sign(long version, String sha256) {
    return ReleaseSignature.sign(key(), publicKey(), version, sha256);
  }

  public PublicKey publicKey() {
    if (publicKey == null) { // deserialized
      publicKey = SigningKeys.publicKeyOf(key());
    }
    return publicKey;
  }

  /** {@link SigningKeys#fingerprint} of this signer's public key. */
  public String fingerprint() {
    return SigningKeys.fingerprint(publicKey());
  }

  /** Trust in this signer's key alone. */
  public TrustedKeys trustedKeys() {
    return TrustedKeys.none().with(publicKey());
  }

  private PrivateKey key() {
    if (key == null) {
      key = SigningKeys.privateKey(pkcs8, "signing key");
    }
    return key;
  }
}
