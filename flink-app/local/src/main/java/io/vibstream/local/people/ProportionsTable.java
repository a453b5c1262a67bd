package io.vibstream.local.people;

import io.vibstream.model.pose.PoseJoints;
import io.vibstream.model.pose.SkeletonProportions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * {@code eval-people}'s skeleton proportions: per joint, where real and synthetic skeletons put it
 * ({@link SkeletonProportions}: median offsets from the pelvis in torso lengths, visible share),
 * printed side by side and written to {@code proportions.csv}.
 */
public final class ProportionsTable {
  private ProportionsTable() {}

  /** Prints the table to {@code o} and writes it to {@code csv}. */
  public static void write(Map<String, SkeletonProportions> sources, PrintWriter o, Path csv) throws IOException {
    StringBuilder c = new StringBuilder("source,joint,frames,median_y,median_abs_x,visible_share\n");
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-12s", "joint"));
    sources.forEach((name, p) -> head.append(String.format(Locale.ROOT, " | %-24s",
        name + " (" + p.frames() + ")")));
    o.println("skeleton proportions (median y and |x| from the pelvis in torso lengths, visible share):");
    o.println(head);
    for (int j = 0; j < PoseJoints.COUNT; j++) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-12s", PoseJoints.NAMES.get(j)));
      for (Map.Entry<String, SkeletonProportions> e : sources.entrySet()) {
        SkeletonProportions p = e.getValue();
        row.append(String.format(Locale.ROOT, " | y %5.2f  |x| %4.2f  v %4.2f ", p.medianY(j), p.medianAbsX(j),
            p.visibleShare(j)));
        c.append(String.format(Locale.ROOT, "%s,%s,%d,%.4f,%.4f,%.4f%n", e.getKey(), PoseJoints.NAMES.get(j),
            p.frames(), p.medianY(j), p.medianAbsX(j), p.visibleShare(j)));
      }
      o.println(row);
    }
    Files.writeString(csv, c);
  }
}
