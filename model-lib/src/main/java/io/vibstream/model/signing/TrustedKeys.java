package io.vibstream.model.signing;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The public keys whose signatures a job accepts on model releases ({@link ReleaseSignature}).
 * Serializable (as the keys' X.509 bytes), so it travels with the job to every subtask. Empty
 * means that nothing is checked: {@link #verify} is for a non-empty set only.
 */
public final class TrustedKeys implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final TrustedKeys NONE = new TrustedKeys(List.of());

  private final List<byte[]> encoded;
  private transient Map<String, PublicKey> byFingerprint;

  private TrustedKeys(List<byte[]> encoded) {
    this.encoded = List.copyOf(encoded);
  }

  /** No trusted key. */
  public static TrustedKeys none() {
    return NONE;
  }

  /** The public keys in {@code files} ({@link SigningKeys#readPublic}: one-line errors). */
  public static TrustedKeys load(Collection<Path> files) {
    TrustedKeys keys = NONE;
    for (Path f : files) {
      keys = keys.with(SigningKeys.readPublic(f));
    }
    return keys;
  }

  /** These keys and {@code key} (once, whatever the number of times it is added). */
  public TrustedKeys with(PublicKey key) {
    if (keys().containsKey(SigningKeys.fingerprint(key))) {
      return this;
    }
    List<byte[]> more = new ArrayList<>(encoded);
    more.add(key.getEncoded());
    return new TrustedKeys(more);
  }

  public boolean isEmpty() {
    return encoded.isEmpty();
  }

  public int size() {
    return encoded.size();
  }

  /** The keys' {@link SigningKeys#fingerprint fingerprints}, in the order added. */
  public List<String> fingerprints() {
    return List.copyOf(keys().keySet());
  }

  /**
   * Checks that {@code signature} is a trusted key's signature of release {@code version} of the
   * artifact whose bytes hash to {@code sha256} (compute it from the bytes, do not take the
   * release's word for it).
   *
   * @param signature the release's signature, or null if unsigned
   * @return the fingerprint of the key that signed
   * @throws UntrustedReleaseException (one line) if unsigned, not shaped like a signature, by a
   *     key not trusted here, or not matching the version and SHA-256
   * @throws IllegalStateException if no key is trusted
   */
  public String verify(long version, String sha256, ByteBuffer signature) throws UntrustedReleaseException {
    if (isEmpty()) {
      throw new IllegalStateException("no trusted keys to verify with");
    }
    if (signature == null || !signature.hasRemaining()) {
      throw new UntrustedReleaseException("unsigned release (only releases signed by " + trusted() + " are "
          + "accepted)");
    }
    byte[] bytes = new byte[signature.remaining()];
    signature.duplicate().get(bytes);
    if (bytes.length != ReleaseSignature.LENGTH) {
      throw new UntrustedReleaseException("bad signature: " + bytes.length + " bytes, a release signature has "
          + ReleaseSignature.LENGTH + " (key id and Ed25519 signature)");
    }
    String signer = HexFormat.of().formatHex(ReleaseSignature.keyId(bytes));
    PublicKey key = keys().get(signer);
    if (key == null) {
      throw new UntrustedReleaseException("signature not by a trusted key: signed by key "
          + SigningKeys.shortFingerprint(signer) + ", trusted: " + trusted());
    }
    if (!ReleaseSignature.verify(key, bytes, version, sha256)) {
      throw new UntrustedReleaseException("bad signature: key " + SigningKeys.shortFingerprint(signer) + " did not "
          + "sign version " + version + " with SHA-256 " + sha256 + " (version or artifact changed after signing)");
    }
    return signer;
  }

  /** The trusted keys' short fingerprints, for messages. */
  private String trusted() {
    String list = keys().keySet().stream().map(SigningKeys::shortFingerprint).collect(Collectors.joining(", "));
    return size() == 1 ? "key " + list : "one of the keys " + list;
  }

  private Map<String, PublicKey> keys() {
    if (byFingerprint == null) {
      Map<String, PublicKey> m = new LinkedHashMap<>();
      for (byte[] e : encoded) {
        PublicKey k = SigningKeys.publicKey(e, "trusted key");
        m.put(SigningKeys.fingerprint(k), k);
      }
      byFingerprint = m;
    }
    return byFingerprint;
  }

  @Override
  public String toString() {
    return isEmpty() ? "no trusted keys" : "trusted keys " + keys().keySet().stream()
        .map(SigningKeys::shortFingerprint).collect(Collectors.joining(", "));
  }
}
