package io.vibstream.cli;

import io.vibstream.connectors.datasets.SyntheticDataset;
import io.vibstream.connectors.synth.SyntheticVideos;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vibstream synth}: writes a synthetic human-action video data set in the UCF layout. */
@Command(name = "synth", mixinStandardHelpOptions = true,
    description = "Write synthetic action videos: DIR/<class>/<class>_gNN_cNN.avi, classInd.txt, trainlist01.txt,"
        + " testlist01.txt. Read them with train-backbone or extract --dataset DIR (or synth:DIR).")
public final class SynthCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
  Path out;

  @Option(names = "--classes", required = true, paramLabel = "N", description = "number of actions, 1-12")
  int classes;

  @Option(names = "--clips-per-class", required = true, paramLabel = "K", description = "clips of each action")
  int clipsPerClass;

  @Option(names = "--seed", required = true, paramLabel = "S", description = "seed; same seed, same videos")
  long seed;

  @Option(names = "--size", paramLabel = "WxH", description = "frame size, even sides (default: ${DEFAULT-VALUE})")
  String size = "112x112";

  @Option(names = "--frames", paramLabel = "F", description = "frames per clip (default: ${DEFAULT-VALUE})")
  int frames = 32;

  @Option(names = "--fps", paramLabel = "R", description = "frame rate (default: ${DEFAULT-VALUE})")
  double fps = 25;

  @Option(names = "--groups", paramLabel = "G", description = "groups (actor and scene shared by a group's clips; "
      + "the first ~30%% are the test split), 1 to min(99, K) (default: about K/4, at most 25, as in UCF11)")
  Integer groups;

  @Option(names = "--performance", paramLabel = "MIN:MAX", description = "each clip a window at a random offset "
      + "into a performance of MIN..MAX seconds, as the synth:// cameras' scripted actions last (default: the clip "
      + "is the whole performance)")
  String performance;

  @Override
  public Integer call() throws Exception {
    String[] wh = size.toLowerCase().split("x");
    if (wh.length != 2 || !wh[0].matches("\\d{1,5}") || !wh[1].matches("\\d{1,5}")) {
      throw new IllegalArgumentException("--size must be WxH, e.g. 112x112, got " + size);
    }
    PrintWriter err = spec.commandLine().getErr();
    long start = System.nanoTime();
    int g = groups != null ? groups : SyntheticVideos.groups(Math.max(1, clipsPerClass));
    double[] perf = {0, 0};
    if (performance != null) {
      String[] mm = performance.split(":");
      if (mm.length != 2 || !mm[0].matches("\\d+(\\.\\d+)?") || !mm[1].matches("\\d+(\\.\\d+)?")) {
        throw new IllegalArgumentException("--performance must be MIN:MAX seconds, e.g. 3:5, got " + performance);
      }
      perf = new double[] {Double.parseDouble(mm[0]), Double.parseDouble(mm[1])};
    }
    SyntheticDataset data = SyntheticVideos.write(out, classes, clipsPerClass, g, seed, Integer.parseInt(wh[0]),
        Integer.parseInt(wh[1]), frames, fps, perf[0], perf[1], (done, total, clip) -> {
          double elapsed = (System.nanoTime() - start) / 1e9;
          int filled = (int) Math.round(28.0 * done / total);
          err.printf("synth [%s%s] %3d%% %d/%d %s  %.1f clips/s%n", "#".repeat(filled), ".".repeat(28 - filled),
              Math.round(100.0 * done / total), done, total, out.relativize(clip), done / Math.max(elapsed, 1e-9));
          err.flush();
        });
    long train = data.clips().stream().filter(c -> c.split().equals("train")).count();
    spec.commandLine().getOut().printf("wrote %d clips (%d train, %d test) of %d classes to %s in %.1f s%n",
        data.clips().size(), train, data.clips().size() - train, data.labels().size(), out,
        (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
