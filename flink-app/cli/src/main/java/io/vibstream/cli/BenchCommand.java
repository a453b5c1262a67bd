package io.vibstream.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vibstream bench}: micro-benchmarks; prints its usage when run without a subcommand. */
@Command(
    name = "bench",
    description = "Benchmarks.",
    mixinStandardHelpOptions = true,
    subcommands = {LstmBenchCommand.class, ExtractBenchCommand.class, CameraBenchCommand.class,
        PipelineBenchCommand.class, PeopleBenchCommand.class, SwapBenchCommand.class})
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }
}
