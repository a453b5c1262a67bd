package io.vibstream.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code vibstream} command line. */
@Command(
    name = "vibstream",
    mixinStandardHelpOptions = true,
    version = "vibstream 0.1.0",
    description = "Real-time action recognition with VIB-compressed LSTMs.",
    subcommands = {
        ParamsCommand.class,
        TrainCommand.class,
        EvaluateCommand.class,
        SweepCommand.class,
        SynthCommand.class,
        SynthPeopleCommand.class,
        CameraCommand.class,
        BrokerCommand.class,
        TailCommand.class,
        TrainBackboneCommand.class,
        ExtractCommand.class,
        BenchCommand.class,
        JobCommand.class,
        ModelsCommand.class,
        KeysCommand.class,
        RetrainCommand.class,
        LabelCommand.class,
        DemoCommand.class,
        SoakCommand.class,
        RecognizeCommand.class,
        PeopleEvalCommand.class,
        CommandLine.HelpCommand.class
    })
public final class Vibstream {
  private Vibstream() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line: failures print one line, not a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Vibstream());
    cli.setParameterExceptionHandler((ex, params) -> {
      PrintWriter err = ex.getCommandLine().getErr();
      err.println("vibstream: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName()
          + " --help')");
      return 2;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      commandLine.getErr().println("vibstream: error: " + oneLine(ex));
      if (Boolean.getBoolean("vibstream.debug")) {
        ex.printStackTrace(commandLine.getErr());
      }
      return 1;
    });
    return cli;
  }

  private static String oneLine(Throwable ex) {
    String message = ex.getMessage();
    if (message == null || message.isBlank()) {
      message = ex.getClass().getSimpleName();
    }
    return message.replace('\n', ' ');
  }
}
