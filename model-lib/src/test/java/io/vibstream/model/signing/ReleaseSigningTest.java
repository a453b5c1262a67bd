package io.vibstream.model.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseSigningTest {
  /** RFC 8032, section 7.1, TEST 1: secret key and public key. */
  private static final String RFC8032_SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  private static final String RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  private static final String ARTIFACT_SHA = ModelSha.of("model bytes");
  private static final String OTHER_SHA = ModelSha.of("model bytes, one changed");

  @TempDir
  Path dir;

  @Test
  void aSignatureOfTheVersionAndChecksumVerifiesWithTheTrustedKey() throws Exception {
    ReleaseSigner signer = ReleaseSigner.generate();
    byte[] signature = signer.sign(7, ARTIFACT_SHA);

    assertThat(signature).hasSize(ReleaseSignature.LENGTH);
    assertThat(signer.trustedKeys().verify(7, ARTIFACT_SHA, ByteBuffer.wrap(signature)))
        .isEqualTo(signer.fingerprint());
  }

  @Test
  void theSignedMessageIsTheDomainLineTheVersionAndTheChecksum() {
    assertThat(new String(ReleaseSignature.message(42, ARTIFACT_SHA), StandardCharsets.UTF_8))
        .isEqualTo("vibstream model release signature v1\nversion=42\nsha256=" + ARTIFACT_SHA + "\n");
    assertThatThrownBy(() -> ReleaseSignature.message(42, ARTIFACT_SHA.toUpperCase()))
        .hasMessageContaining("64 lower-case hex digits");
  }

  @Test
  void aTamperedArtifactOrVersionOrAnotherKeyIsRefusedWithItsReason() {
    ReleaseSigner signer = ReleaseSigner.generate();
    TrustedKeys trusted = signer.trustedKeys();
    ByteBuffer signature = ByteBuffer.wrap(signer.sign(7, ARTIFACT_SHA));

    assertThatThrownBy(() -> trusted.verify(7, OTHER_SHA, signature))
        .isInstanceOf(UntrustedReleaseException.class)
        .hasMessageStartingWith("bad signature: key " + signer.fingerprint().substring(0, 16))
        .hasMessageContaining("did not sign version 7 with SHA-256 " + OTHER_SHA);
    // an old signed artifact replayed as a new version
    assertThatThrownBy(() -> trusted.verify(8, ARTIFACT_SHA, signature))
        .hasMessageStartingWith("bad signature: ").hasMessageContaining("version 8");

    ReleaseSigner stranger = ReleaseSigner.generate();
    assertThatThrownBy(() -> trusted.verify(7, ARTIFACT_SHA, ByteBuffer.wrap(stranger.sign(7, ARTIFACT_SHA))))
        .hasMessage("signature not by a trusted key: signed by key " + stranger.fingerprint().substring(0, 16)
            + ", trusted: key " + signer.fingerprint().substring(0, 16));
    // the stranger's signature under the trusted key's id
    byte[] forged = stranger.sign(7, ARTIFACT_SHA);
    System.arraycopy(signature.array(), 0, forged, 0, ReleaseSignature.KEY_ID_BYTES);
    assertThatThrownBy(() -> trusted.verify(7, ARTIFACT_SHA, ByteBuffer.wrap(forged)))
        .hasMessageStartingWith("bad signature: ");

    assertThatThrownBy(() -> trusted.verify(7, ARTIFACT_SHA, null))
        .hasMessage("unsigned release (only releases signed by key " + signer.fingerprint().substring(0, 16)
            + " are accepted)");
    assertThatThrownBy(() -> trusted.verify(7, ARTIFACT_SHA, ByteBuffer.wrap(new byte[12])))
        .hasMessage("bad signature: 12 bytes, a release signature has 96 (key id and Ed25519 signature)");
  }

  @Test
  void anyOfSeveralTrustedKeysIsAccepted() throws Exception {
    ReleaseSigner a = ReleaseSigner.generate();
    ReleaseSigner b = ReleaseSigner.generate();
    TrustedKeys both = a.trustedKeys().with(b.publicKey()).with(a.publicKey());

    assertThat(both.size()).isEqualTo(2);
    assertThat(both.fingerprints()).containsExactly(a.fingerprint(), b.fingerprint());
    assertThat(both.verify(3, ARTIFACT_SHA, ByteBuffer.wrap(b.sign(3, ARTIFACT_SHA)))).isEqualTo(b.fingerprint());
    assertThat(TrustedKeys.none().isEmpty()).isTrue();
    assertThatThrownBy(() -> TrustedKeys.none().verify(3, ARTIFACT_SHA, null))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void keyFilesRoundTripWithTheFingerprintOfThePublicKey() throws Exception {
    var pair = SigningKeys.generate();
    SigningKeys.KeyFiles files = SigningKeys.write(pair, dir.resolve("keys"), "release");

    assertThat(files.privateKey()).hasFileName("release.key");
    assertThat(files.publicKey()).hasFileName("release.pub");
    assertThat(Files.readString(files.privateKey())).startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    assertThat(Files.readString(files.publicKey())).startsWith("-----BEGIN PUBLIC KEY-----\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.privateKey())))
        .isEqualTo("rw-------");

    ReleaseSigner signer = ReleaseSigner.load(files.privateKey());
    TrustedKeys trusted = TrustedKeys.load(List.of(files.publicKey()));
    assertThat(signer.fingerprint()).isEqualTo(SigningKeys.fingerprint(pair.getPublic()))
        .isEqualTo(trusted.fingerprints().get(0));
    assertThat(trusted.verify(9, ARTIFACT_SHA, ByteBuffer.wrap(signer.sign(9, ARTIFACT_SHA))))
        .isEqualTo(signer.fingerprint());
  }

  @Test
  void existingKeyFilesAreNeverOverwritten() throws Exception {
    SigningKeys.KeyFiles files = SigningKeys.write(SigningKeys.generate(), dir, "release");
    String before = Files.readString(files.privateKey());

    assertThatThrownBy(() -> SigningKeys.write(SigningKeys.generate(), dir, "release"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(files.privateKey() + " exists already (key files are never overwritten)");
    Files.delete(files.privateKey());
    assertThatThrownBy(() -> SigningKeys.write(SigningKeys.generate(), dir, "release"))
        .hasMessage(files.publicKey() + " exists already (key files are never overwritten)");
    assertThat(files.privateKey()).doesNotExist();
    Files.writeString(files.privateKey(), before);
    assertThatThrownBy(() -> SigningKeys.write(SigningKeys.generate(), dir, "other/name"))
        .hasMessageContaining("key name 'other/name' must be");
    assertThat(Files.readString(files.privateKey())).isEqualTo(before);
  }

  @Test
  void thePublicKeyIsDerivedFromThePrivateKeyAsRfc8032Says() throws Exception {
    Path key = pem("rfc8032.key", "PRIVATE KEY", "302e020100300506032b657004220420" + RFC8032_SECRET);
    Path pub = pem("rfc8032.pub", "PUBLIC KEY", "302a300506032b6570032100" + RFC8032_PUBLIC);

    ReleaseSigner signer = ReleaseSigner.load(key);
    assertThat(signer.fingerprint()).isEqualTo(TrustedKeys.load(List.of(pub)).fingerprints().get(0));
  }

  @Test
  void aSignerSurvivesSerializationAsAJobCarriesIt() throws Exception {
    ReleaseSigner signer = ReleaseSigner.generate();
    TrustedKeys trusted = signer.trustedKeys();

    ReleaseSigner copy = roundTrip(signer);
    TrustedKeys trustedCopy = roundTrip(trusted);
    assertThat(copy.fingerprint()).isEqualTo(signer.fingerprint());
    assertThat(trustedCopy.verify(5, ARTIFACT_SHA, ByteBuffer.wrap(copy.sign(5, ARTIFACT_SHA))))
        .isEqualTo(signer.fingerprint());
  }

  @Test
  void badKeyFilesSayWhatIsWrongInOneLine() throws Exception {
    SigningKeys.KeyFiles files = SigningKeys.write(SigningKeys.generate(), dir, "release");
    String privatePem = Files.readString(files.privateKey());

    Path truncated = Files.writeString(dir.resolve("truncated.key"), privatePem.substring(0, 40));
    assertBadPrivateKey(truncated, "truncated: no '-----END PRIVATE KEY-----' line");
    String body = privatePem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    Path shortened = Files.writeString(dir.resolve("short.key"), "-----BEGIN PRIVATE KEY-----\n"
        + body.substring(0, 32) + "\n-----END PRIVATE KEY-----\n");
    assertBadPrivateKey(shortened, "a damaged Ed25519 private key");
    assertBadPrivateKey(files.publicKey(), "a public key; expected an Ed25519 private key");
    assertBadPrivateKey(dir.resolve("missing.key"), "no such key file");
    assertBadPrivateKey(Files.writeString(dir.resolve("notes.txt"), "hello\n"), "not a PEM key file");
    assertBadPrivateKey(dir, "a directory, not a key file");
    assertBadPrivateKey(Path.of("/dev/zero"), "not a regular file (a key file must be one)");

    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    var pair = rsa.generateKeyPair();
    Path rsaKey = pem("rsa.key", "PRIVATE KEY", HexFormat.of().formatHex(pair.getPrivate().getEncoded()));
    assertBadPrivateKey(rsaKey, "not an Ed25519 key");
    Path rsaPub = pem("rsa.pub", "PUBLIC KEY", HexFormat.of().formatHex(pair.getPublic().getEncoded()));
    assertThatThrownBy(() -> TrustedKeys.load(List.of(rsaPub))).isInstanceOf(KeyFileException.class)
        .hasMessageStartingWith(rsaPub + ": not an Ed25519 key");
    assertThatThrownBy(() -> TrustedKeys.load(List.of(files.privateKey()))).isInstanceOf(KeyFileException.class)
        .hasMessageStartingWith(files.privateKey() + ": a private key; expected an Ed25519 public key");
  }

  private static void assertBadPrivateKey(Path file, String problem) {
    assertThatThrownBy(() -> ReleaseSigner.load(file)).isInstanceOf(KeyFileException.class)
        .hasMessageStartingWith(file + ": " + problem)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  private Path pem(String name, String label, String hex) throws Exception {
    return Files.writeString(dir.resolve(name), "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder().encodeToString(HexFormat.of().parseHex(hex)) + "\n-----END " + label + "-----\n");
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  /** SHA-256 hex of a string's UTF-8 bytes, standing in for an artifact's checksum. */
  private static final class ModelSha {
    static String of(String text) {
      try {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
            .digest(text.getBytes(StandardCharsets.UTF_8)));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
