package io.vibstream.cli;

import io.vibstream.model.signing.SigningKeys;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vibstream keys}: the Ed25519 keys that sign model releases ({@link SigningKeys}). */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Keys that sign model releases.",
    subcommands = {KeysCommand.Generate.class})
final class KeysCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** {@code vibstream keys generate --out DIR [--name NAME]}. */
  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = {"Write a new Ed25519 key pair: DIR/NAME.key, the private key (PEM, unencrypted PKCS#8, "
          + "readable by its owner only) for 'models publish --signing-key' and 'retrain --signing-key', and "
          + "DIR/NAME.pub, the public key (PEM, X.509) for 'job --trusted-key'. Existing files are never "
          + "overwritten.", "The last line is fingerprint=HEX, the SHA-256 of the public key's DER encoding."})
  static final class Generate implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory of the key files, "
        + "created if missing")
    Path out;

    @Option(names = "--name", paramLabel = "NAME", description = "file name of both keys, without the extension "
        + "(default: ${DEFAULT-VALUE})")
    String name = "release";

    @Override
    public Integer call() throws Exception {
      KeyPair pair = SigningKeys.generate();
      SigningKeys.KeyFiles files = SigningKeys.write(pair, out, name);
      PrintWriter o = spec.commandLine().getOut();
      o.printf("private key: %s (keep it secret: it signs releases)%n", files.privateKey());
      o.printf("public key: %s (give it to the jobs that trust this key)%n", files.publicKey());
      o.printf("fingerprint=%s%n", SigningKeys.fingerprint(pair.getPublic()));
      o.flush();
      return 0;
    }
  }
}
