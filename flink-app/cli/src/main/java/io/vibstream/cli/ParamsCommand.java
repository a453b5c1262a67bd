package io.vibstream.cli;

import io.vibstream.model.lstm.LstmParams;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vibstream params}: the paper's LSTM parameter count. */
@Command(name = "params", mixinStandardHelpOptions = true, description = "Print the LSTM parameter count 4(DH + H^2 + 2H); the last line is the integer.")
final class ParamsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--input", required = true, description = "input size D")
  int input;

  @Option(names = "--hidden", required = true, description = "hidden size H")
  int hidden;

  @Option(names = "--classes", description = "classes of the classifier layer, reported separately (default: ${DEFAULT-VALUE})")
  int classes = 10;

  @Override
  public Integer call() {
    if (input < 1 || hidden < 1 || classes < 1) {
      throw new IllegalArgumentException("--input, --hidden and --classes must be >= 1");
    }
    var out = spec.commandLine().getOut();
    out.printf("lstm(D=%d, H=%d): 4(DH + H^2 + 2H)%n", input, hidden);
    out.printf("classifier (not counted): %d%n", LstmParams.classifier(hidden, classes));
    out.println(LstmParams.count(input, hidden));
    return 0;
  }
}
