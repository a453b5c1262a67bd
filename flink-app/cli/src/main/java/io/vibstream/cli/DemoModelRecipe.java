package io.vibstream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The recipe of {@code vibstream demo}'s cached model, trained on first use through the same
 * commands the CLI offers (synth, train-backbone, extract, train --vib), which it prints so the
 * model can be rebuilt by hand. Change the options (and the cache directory) to retrain.
 */
final class DemoModelRecipe {
  @Option(names = "--train-classes", description = "demo model: actions (default: ${DEFAULT-VALUE})")
  int trainClasses = 10;

  @Option(names = "--train-clips-per-class", description = "demo model: LSTM training clips per action "
      + "(default: ${DEFAULT-VALUE})")
  int trainClipsPerClass = 100;

  @Option(names = "--backbone-clips-per-class", description = "demo model: backbone training clips per action, each "
      + "in its own scene (default: ${DEFAULT-VALUE})")
  int backboneClipsPerClass = 60;

  @Option(names = "--train-frames", description = "demo model: frames per clip = the LSTM's clip length "
      + "(default: ${DEFAULT-VALUE})")
  int trainFrames = 32;

  @Option(names = "--backbone-epochs", description = "demo model: CNN epochs (default: ${DEFAULT-VALUE})")
  int backboneEpochs = 8;

  @Option(names = "--lstm-hidden", description = "demo model: LSTM hidden size before compression (default: ${DEFAULT-VALUE})")
  int lstmHidden = 64;

  @Option(names = "--lstm-epochs", description = "demo model: LSTM epochs (default: ${DEFAULT-VALUE})")
  int lstmEpochs = 30;

  @Option(names = "--backbone-train-args", paramLabel = "ARGS", description = "demo model: extra train-backbone "
      + "options, space-separated, e.g. \"--no-poses --lr 1e-3\" (default: none)")
  String backboneTrainArgs = "";

  @Option(names = "--lstm-train-args", paramLabel = "ARGS", description = "demo model: extra train options, "
      + "space-separated, e.g. \"--beta 1e-3 --lr 3e-3\" (default: none)")
  String lstmTrainArgs = "";

  /**
   * The cached model in {@code dir}, trained first if missing, for cameras of {@code size} at
   * {@code fps} whose scripted actions last {@code minActionSeconds..maxActionSeconds}; returns the .vib file.
   */
  Path ensure(Path dir, String size, double fps, int minActionSeconds, int maxActionSeconds, PrintWriter out,
      PrintWriter err) throws Exception {
    Path vib = dir.resolve("model.vib");
    Path cnn = dir.resolve("backbone.bin");
    if (Files.isRegularFile(vib) && Files.isRegularFile(cnn)) {
      out.printf("using the cached demo model %s (delete %s to retrain)%n", vib, dir);
      return vib;
    }
    Files.createDirectories(dir);
    // The backbone learns poses from clips in many scenes (seed 101); the LSTM learns actions from
    // pose features of other clips and scenes (seed 7), which the cameras never show either.
    double clipSeconds = trainFrames / fps;
    String performance = Math.max(minActionSeconds, clipSeconds) + ":" + Math.max(maxActionSeconds, clipSeconds);
    Path backboneClips = dir.resolve("backbone-clips");
    Path clips = dir.resolve("synth");
    Path features = dir.resolve("features");
    List<List<String>> steps = List.of(
        List.of("synth", "--out", backboneClips.toString(), "--classes", "" + trainClasses, "--clips-per-class",
            "" + backboneClipsPerClass, "--groups", "" + Math.min(99, backboneClipsPerClass), "--seed", "101",
            "--size", size, "--frames", "" + trainFrames, "--fps", "" + fps),
        with(List.of("train-backbone", "--dataset", backboneClips.toString(), "--out", cnn.toString(), "--epochs",
            "" + backboneEpochs), backboneTrainArgs),
        List.of("synth", "--out", clips.toString(), "--classes", "" + trainClasses, "--clips-per-class",
            "" + trainClipsPerClass, "--seed", "7", "--size", size, "--frames", "" + trainFrames, "--fps", "" + fps,
            "--performance", performance),
        List.of("extract", "--dataset", clips.toString(), "--backbone", "builtin:" + cnn, "--out",
            features.toString(), "--frames", "" + trainFrames),
        with(List.of("train", "--data", "features:" + features + ":" + trainFrames, "--hidden", "" + lstmHidden,
            "--epochs", "" + lstmEpochs, "--batch-size", "16", "--standardize", "--vib", "--out", vib.toString()),
            lstmTrainArgs));
    out.println("no cached demo model in " + dir + ": training one (rebuild it by hand with):");
    for (List<String> step : steps) {
      out.println("  ./vibstream " + String.join(" ", step));
    }
    out.flush();
    for (Path stale : List.of(backboneClips, clips, features)) {
      deleteRecursively(stale);
    }
    for (List<String> step : steps) {
      out.println("==> ./vibstream " + String.join(" ", step));
      out.flush();
      CommandLine cli = Vibstream.commandLine();
      cli.setOut(out);
      cli.setErr(err);
      int code = cli.execute(step.toArray(String[]::new));
      if (code != 0) {
        throw new IllegalStateException("demo model: '" + step.get(0) + "' failed (exit " + code + ")");
      }
    }
    return vib;
  }

  /** {@code step} followed by the space-separated options {@code extra}. */
  private static List<String> with(List<String> step, String extra) {
    List<String> all = new ArrayList<>(step);
    for (String a : extra.trim().split("\\s+")) {
      if (!a.isEmpty()) {
        all.add(a);
      }
    }
    return all;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
