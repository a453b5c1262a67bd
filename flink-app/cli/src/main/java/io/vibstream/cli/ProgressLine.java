package io.vibstream.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * A one-line progress bar for counted work (clips decoded, frames extracted, training steps): bar,
 * percentage, count, a caller's status text, rate and ETA. On a terminal it redraws in place at
 * most 10 times a second; in a log it prints a line every 10%.
 */
final class ProgressLine {
  private static final int WIDTH = 28;
  private final PrintStream out;
  private final String label;
  private final String unit;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private long lastDraw;
  private int lastDecile = -1;

  ProgressLine(PrintStream out, String label, String unit) {
    this.out = out;
    this.label = label;
    this.unit = unit;
    this.terminal = System.console() != null;
  }

  /** Reports {@code done} of {@code total} units with a status text (may be empty). */
  void update(long done, long total, String status) {
    long now = System.nanoTime();
    boolean finished = done >= total;
    int decile = total == 0 ? 10 : (int) (done * 10 / total);
    if (terminal ? now - lastDraw < 100_000_000L && !finished : decile == lastDecile && !finished) {
      return;
    }
    lastDraw = now;
    lastDecile = decile;
    double fraction = total == 0 ? 1 : Math.min(1, done / (double) total);
    double elapsed = (now - start) / 1e9;
    double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
    int filled = (int) Math.round(fraction * WIDTH);
    String line = String.format(Locale.ROOT, "%-9s [%s%s] %3d%% %d/%d %s  %s  %.1f %s/s  ETA %s", label,
        "#".repeat(filled), ".".repeat(WIDTH - filled), Math.round(fraction * 100), done, total, unit, status,
        done / Math.max(elapsed, 1e-9), unit, format(eta));
    if (terminal) {
      out.print("\r" + line + (finished ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Prints a message on its own line. */
  void message(String text) {
    if (terminal) {
      out.print("\r");
    }
    out.println(text);
    out.flush();
  }

  private static String format(double seconds) {
    Duration d = Duration.ofSeconds(Math.round(seconds));
    return String.format(Locale.ROOT, "%d:%02d", d.toMinutes(), d.toSecondsPart());
  }
}
