package io.vibstream.model.signing;

import io.vibstream.model.io.BoundedFiles;
import io.vibstream.model.io.FileLimitException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 key pairs that sign model releases, and the one place their files are read and
 * written. Both files are PEM, as OpenSSL writes them: the private key unencrypted PKCS#8
 * ({@code -----BEGIN PRIVATE KEY-----}), the public key X.509 SubjectPublicKeyInfo
 * ({@code -----BEGIN PUBLIC KEY-----}). A key's fingerprint is the SHA-256 of its public key's
 * DER encoding, in hex: {@code openssl pkey -pubin -in NAME.pub -outform DER | sha256sum} prints
 * the same.
 */
public final class SigningKeys {
  /** The JDK's name of the signature algorithm and its keys. */
  public static final String ALGORITHM = "Ed25519";
  /** Characters of a fingerprint shown in messages. */
  static final int SHORT_FINGERPRINT = 16;
  /** Key files are a few hundred bytes; anything much larger is not one. */
  private static final long MAX_FILE_BYTES = 64 * 1024;
  private static final String PRIVATE_LABEL = "PRIVATE KEY";
  private static final String PUBLIC_LABEL = "PUBLIC KEY";
  /** DER of the Ed25519 algorithm identifier's OID, 1.3.101.112 (RFC 8410). */
  private static final byte[] ED25519_OID = {0x06, 0x03, 0x2b, 0x65, 0x70};
  private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

  private SigningKeys() {}

  /** Where {@link #write} put a key pair. */
  public record KeyFiles(Path privateKey, Path publicKey) {}

  /** A new key pair from the JDK's strong random source. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime from 15 on provides " + ALGORITHM, e);
    }
  }

  /**
   * Writes {@code pair} as {@code dir/NAME.key} (private, readable and writable by the owner only
   * where the file system has POSIX permissions) and {@code dir/NAME.pub} (public), creating
   * {@code dir} if needed. Refuses, before writing anything, if either file exists.
   *
   * @throws IllegalArgumentException with a one-line message for a bad name or an existing file
   */
  public static KeyFiles write(KeyPair pair, Path dir, String name) throws IOException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("key name '" + name + "' must be letters, digits, '.', '_' or '-', not "
          + "starting with '.' or '-'");
    }
    KeyFiles files = new KeyFiles(dir.resolve(name + ".key"), dir.resolve(name + ".pub"));
    for (Path p : new Path[] {files.privateKey(), files.publicKey()}) {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalArgumentException(p + " exists already (key files are never overwritten)");
      }
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " is not a directory");
    }
    Files.createDirectories(dir);
    boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
    FileAttribute<?>[] ownerOnly = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))} : new FileAttribute<?>[0];
    create(files.privateKey(), pem(PRIVATE_LABEL, pair.getPrivate().getEncoded()), ownerOnly);
    create(files.publicKey(), pem(PUBLIC_LABEL, pair.getPublic().getEncoded()));
    return files;
  }

  /**
   * The Ed25519 private key in {@code file}.
   *
   * @throws KeyFileException (one line) if the file is missing, not a PEM private key, truncated,
   *     damaged or of another algorithm
   */
  public static PrivateKey readPrivate(Path file) {
    return privateKey(pem(file, PRIVATE_LABEL, "an Ed25519 private key ('-----BEGIN PRIVATE KEY-----', unencrypted "
        + "PKCS#8)"), file);
  }

  /**
   * The Ed25519 public key in {@code file}.
   *
   * @throws KeyFileException (one line) as {@link #readPrivate}
   */
  public static PublicKey readPublic(Path file) {
    return publicKey(pem(file, PUBLIC_LABEL, "an Ed25519 public key ('-----BEGIN PUBLIC KEY-----', X.509)"), file);
  }

  /** The SHA-256 of the key's X.509 DER encoding, lower-case hex (64 characters). */
  public static String fingerprint(PublicKey key) {
    return HexFormat.of().formatHex(keyId(key));
  }

  /** The first {@link #SHORT_FINGERPRINT} characters of {@code fingerprint}, as messages show it. */
  static String shortFingerprint(String fingerprint) {
    return fingerprint.substring(0, Math.min(SHORT_FINGERPRINT, fingerprint.length()));
  }

  /** The raw SHA-256 of the key's X.509 DER encoding: the key id a signature names its key by. */
  static byte[] keyId(PublicKey key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  /**
   * The public key of {@code key}. The JDK has no call for it, so the key pair generator is run on
   * the private key's own 32 bytes as its random input (it draws exactly those for the private
   * key); a signature made with {@code key} is then checked against the result.
   */
  static PublicKey publicKeyOf(PrivateKey key) {
    if (!(key instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
      throw new IllegalArgumentException("not an Ed25519 private key with its key bytes: " + key.getAlgorithm());
    }
    byte[] seed = ed.getBytes().get();
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
      generator.initialize(NamedParameterSpec.ED25519, new Replay(seed));
      PublicKey derived = generator.generateKeyPair().getPublic();
      byte[] probe = "vibstream public key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(key);
      s.update(probe);
      byte[] signature = s.sign();
      s.initVerify(derived);
      s.update(probe);
      if (!s.verify(signature)) {
        throw new IllegalStateException("this Java runtime does not derive Ed25519 public keys as expected");
      }
      return derived;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot derive the Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** The key of a PKCS#8 encoding; {@code source} names it in errors. */
  static PrivateKey privateKey(byte[] der, Object source) {
    requireEd25519(der, source);
    PrivateKey key;
    try {
      key = factory().generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyFileException(source, "a damaged Ed25519 private key (" + oneLine(e) + ")", e);
    }
    return ed25519Only(key, source);
  }

  /** The key of an X.509 encoding; {@code source} names it in errors. */
  static PublicKey publicKey(byte[] der, Object source) {
    requireEd25519(der, source);
    PublicKey key;
    try {
      key = factory().generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyFileException(source, "a damaged Ed25519 public key (" + oneLine(e) + ")", e);
    }
    return ed25519Only(key, source);
  }

  private static <K extends Key> K ed25519Only(K key, Object source) {
    if (!(key instanceof EdECKey ed) || !ALGORITHM.equalsIgnoreCase(ed.getParams().getName())) {
      throw new KeyFileException(source, "not an Ed25519 key");
    }
    return key;
  }

  /** Refuses encodings without the Ed25519 algorithm identifier: RSA, EC, Ed448 and other keys. */
  private static void requireEd25519(byte[] der, Object source) {
    for (int i = 0; i + ED25519_OID.length <= der.length; i++) {
      if (Arrays.equals(der, i, i + ED25519_OID.length, ED25519_OID, 0, ED25519_OID.length)) {
        return;
      }
    }
    throw new KeyFileException(source, "not an Ed25519 key (another algorithm, or damaged); 'vibstream keys "
        + "generate' or 'openssl genpkey -algorithm ed25519' make one");
  }

  private static KeyFactory factory() throws NoSuchAlgorithmException {
    return KeyFactory.getInstance(ALGORITHM);
  }

  private static byte[] pem(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return ("-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The DER inside the PEM block {@code label} of {@code file}; {@code expected} says what belongs there. */
  private static byte[] pem(Path file, String label, String expected) {
    String text = new String(read(file), StandardCharsets.US_ASCII);
    Matcher begin = BEGIN.matcher(text);
    if (!begin.find()) {
      throw new KeyFileException(file, "not a PEM key file; expected " + expected);
    }
    if (!begin.group(1).equals(label)) {
      throw new KeyFileException(file, describe(begin.group(1)) + "; expected " + expected);
    }
    int end = text.indexOf("-----END " + label + "-----", begin.end());
    if (end < 0) {
      throw new KeyFileException(file, "truncated: no '-----END " + label + "-----' line");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(begin.end(), end).strip());
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(file, "damaged: the key is not valid base64 (" + e.getMessage() + ")");
    }
  }

  private static String describe(String label) {
    return switch (label) {
      case PUBLIC_LABEL -> "a public key";
      case PRIVATE_LABEL -> "a private key";
      default -> "a '" + label + "' PEM block";
    };
  }

  private static byte[] read(Path file) {
    try {
      if (Files.isDirectory(file)) {
        throw new KeyFileException(file, "a directory, not a key file");
      }
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new KeyFileException(file, size + " bytes, too large for a key file");
      }
      return BoundedFiles.read(file, (int) MAX_FILE_BYTES, "a key file");
    } catch (NoSuchFileException e) {
      throw new KeyFileException(file, "no such key file");
    } catch (FileLimitException e) {
      throw new KeyFileException(file, e.getMessage());
    } catch (IOException e) {
      throw new KeyFileException(file, "cannot read it: " + oneLine(e), e);
    }
  }

  private static void create(Path file, byte[] content, FileAttribute<?>... attributes) throws IOException {
    try {
      Files.createFile(file, attributes);
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException(file + " exists already (key files are never overwritten)");
    }
    Files.write(file, content);
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage();
    return (m == null || m.isBlank() ? e.getClass().getSimpleName() : m).replace('\n', ' ');
  }

  /** A random source that returns the given bytes once: the private key the generator draws. */
  private static final class Replay extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;
    private boolean used;

    Replay(byte[] bytes) {
      this.bytes = bytes.clone();
    }

    @Override
    public void nextBytes(byte[] out) {
      if (used || out.length != bytes.length) {
        throw new IllegalStateException("the key pair generator drew other random bytes than the private key's");
      }
      System.arraycopy(bytes, 0, out, 0, out.length);
      used = true;
    }
  }
}
