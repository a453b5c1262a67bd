package io.vibstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vibstream.model.signing.ReleaseSigner;
import io.vibstream.model.signing.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keys generate}, and bad key files given to the commands that read them (no broker needed). */
class KeysCommandTest {
  @TempDir
  Path dir;

  @Test
  void generateWritesAKeyPairAndPrintsItsFingerprint() throws Exception {
    Path keys = dir.resolve("keys");
    Cli cli = Cli.run("keys", "generate", "--out", keys.toString(), "--name", "ci");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    Path privateKey = keys.resolve("ci.key");
    Path publicKey = keys.resolve("ci.pub");
    assertThat(cli.out()).contains("private key: " + privateKey).contains("public key: " + publicKey);
    assertThat(cli.lastLine()).isEqualTo("fingerprint=" + SigningKeys.fingerprint(SigningKeys.readPublic(publicKey)))
        .matches("fingerprint=[0-9a-f]{64}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey))).isEqualTo("rw-------");
    assertThat(SigningKeys.fingerprint(SigningKeys.readPublic(publicKey)))
        .isEqualTo(ReleaseSigner.load(privateKey).fingerprint());

    String before = Files.readString(privateKey);
    assertOneLineError(Cli.run("keys", "generate", "--out", keys.toString(), "--name", "ci"), 1,
        privateKey + " exists already (key files are never overwritten)");
    assertThat(Files.readString(privateKey)).isEqualTo(before);
    Cli defaultName = Cli.run("keys", "generate", "--out", keys.toString());
    assertThat(defaultName.exitCode()).as(defaultName.err()).isZero();
    assertThat(keys.resolve("release.key")).exists();
  }

  @Test
  void wrongFlagsAndPathsSayWhatIsWrongInOneLine() throws Exception {
    assertOneLineError(Cli.run("keys", "generate"), 2, "Missing required option: '--out=DIR'");
    assertOneLineError(Cli.run("keys", "generate", "--out", dir.toString(), "--name", "../up"), 1,
        "key name '../up' must be");
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertOneLineError(Cli.run("keys", "generate", "--out", file.toString()), 1, file + " is not a directory");
  }

  @Test
  void commandsRefuseBadKeyFilesInOneLineBeforeTheyStart() throws Exception {
    assertThat(Cli.run("keys", "generate", "--out", dir.toString()).exitCode()).isZero();
    Path privateKey = dir.resolve("release.key");
    Path publicKey = dir.resolve("release.pub");
    Path truncated = Files.writeString(dir.resolve("truncated.key"), Files.readString(privateKey).substring(0, 50));
    Path missing = dir.resolve("missing.pub");

    assertOneLineError(Cli.run("job", "--bootstrap", "127.0.0.1:1", "--backbone", "builtin:none", "--trusted-key",
        missing.toString()), 1, missing + ": no such key file");
    assertOneLineError(Cli.run("job", "--bootstrap", "127.0.0.1:1", "--backbone", "builtin:none", "--trusted-key",
        publicKey + "," + privateKey), 1, privateKey + ": a private key; expected an Ed25519 public key");
    assertOneLineError(Cli.run("retrain", "--bootstrap", "127.0.0.1:1", "--signing-key", publicKey.toString()), 1,
        publicKey + ": a public key; expected an Ed25519 private key");
    assertOneLineError(Cli.run("models", "publish", dir.resolve("m.vib").toString(), "--bootstrap", "127.0.0.1:1",
        "--signing-key", truncated.toString()), 1, truncated + ": truncated: no '-----END PRIVATE KEY-----' line");
    assertOneLineError(Cli.run("models", "rollback", "--to", "1", "--bootstrap", "127.0.0.1:1", "--signing-key",
        missing.toString()), 1, missing + ": no such key file");
  }

  private static void assertOneLineError(Cli cli, int code, String message) {
    assertThat(cli.exitCode()).as(cli.out() + cli.err()).isEqualTo(code);
    assertThat(cli.err().strip()).startsWith("vibstream: ").contains(message).doesNotContain("\n");
  }
}
