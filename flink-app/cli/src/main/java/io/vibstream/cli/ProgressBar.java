package io.vibstream.cli;

import io.vibstream.model.vib.TrainingListener;
import java.io.PrintStream;
import java.time.Duration;

/**
 * A one-line progress bar on stderr for training phases: bar, percentage, epoch, loss, accuracy,
 * kept input and hidden units, rate and ETA. On a terminal it redraws in place; in a log it prints
 * a line every 10% of each epoch.
 */
final class ProgressBar implements TrainingListener {
  private static final int WIDTH = 28;
  private final PrintStream out;
  private final boolean terminal;
  private long phaseStart;
  private String phase = "";
  private int lastDecile = -1;
  private long lastDraw;

  ProgressBar(PrintStream out) {
    this.out = out;
    this.terminal = System.console() != null;
  }

  @Override
  public void onStep(Step s) {
    long now = System.nanoTime();
    if (!s.phase().equals(phase)) {
      phase = s.phase();
      phaseStart = now;
    }
    long done = (long) (s.epoch() - 1) * s.stepsPerEpoch() + s.step();
    long total = (long) s.epochs() * s.stepsPerEpoch();
    double fraction = done / (double) total;
    int decile = (int) (s.step() * 10L / s.stepsPerEpoch());
    boolean endOfEpoch = s.step() == s.stepsPerEpoch();
    if (terminal) {
      if (now - lastDraw < 100_000_000L && !endOfEpoch) {
        return;
      }
    } else if (decile == lastDecile && !endOfEpoch) {
      return;
    }
    lastDraw = now;
    lastDecile = endOfEpoch ? -1 : decile;
    double elapsed = (now - phaseStart) / 1e9;
    double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
    int filled = (int) Math.round(fraction * WIDTH);
    String line = String.format("%-9s [%s%s] %3d%% epoch %d/%d  loss %.4f  acc %5.1f%%  D' %d  H' %d  %.0f steps/s  ETA %s",
        s.phase(), "#".repeat(filled), ".".repeat(WIDTH - filled), Math.round(fraction * 100), s.epoch(), s.epochs(),
        s.loss(), 100 * s.accuracy(), s.keptInputs(), s.keptHidden(), done / Math.max(elapsed, 1e-9), format(eta));
    if (terminal) {
      out.print("\r" + line + (endOfEpoch ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }

  @Override
  public void onEpoch(String phaseName, int epoch, int epochs, double meanLoss, double accuracy) {
    out.printf("%-9s epoch %d/%d done: mean loss %.4f, train accuracy %.2f%%%n", phaseName, epoch, epochs, meanLoss,
        100 * accuracy);
    out.flush();
  }

  private static String format(double seconds) {
    Duration d = Duration.ofSeconds(Math.round(seconds));
    return String.format("%d:%02d", d.toMinutes(), d.toSecondsPart());
  }
}
