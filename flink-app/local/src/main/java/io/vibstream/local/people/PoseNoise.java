package io.vibstream.local.people;

import io.vibstream.model.pose.PersonBox;
import io.vibstream.model.pose.PersonFeatures;
import io.vibstream.model.pose.PersonPose;
import io.vibstream.model.pose.PoseJoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pose estimator's jitter and visibility, measured the same way on real tracks and synthetic
 * clips so the two can be compared: per joint group, the residual of each coordinate after
 * subtracting the centered 5-frame moving average (joints visible in all 5 frames), over the box
 * height, RMS; the same for the box center and height; the share of joints below visibility 0.5.
 * Each value is kept per source, per size ({@code far} below a box height, {@code near}) and for
 * {@code all}.
 */
public final class PoseNoise {
  private static final String[] GROUPS = {"torso", "head", "legs", "arms", "box_center", "box_height"};
  private static final int[] GROUP_OF_JOINT = {0, 0, 1, 0, 3, 3, 0, 3, 3, 0, 2, 2, 2, 0, 2, 2, 2};
  /** The columns of {@link #csv()}. */
  public static final String CSV_HEADER = "source,size,quantity,n,value\n";

  private final double far;
  /** Sums of squares (or hidden joints) and counts per "source|size|quantity". */
  private final Map<String, double[]> sums = new TreeMap<>();

  /** @param far persons with a box height below this (px) are "far" */
  public PoseNoise(double far) {
    this.far = far;
  }

  /** One measured value: an RMS residual in box heights, or the invisible share. */
  public record Row(String source, String size, String quantity, long n, double value) {}

  /** Adds every track of {@code tracks} under {@code source}. */
  public void add(String source, Tracks tracks) {
    for (List<Tracks.Seen> seen : tracks.byTrack().values()) {
      List<PersonPose> poses = new ArrayList<>();
      List<Long> frames = new ArrayList<>();
      for (Tracks.Seen s : seen) {
        poses.add(s.pose());
        frames.add(s.frame());
      }
      add(source, poses, frames);
    }
  }

  /** Adds one person's poses in {@code frames} (the residual needs 5 consecutive frames) under {@code source}. */
  public void add(String source, List<PersonPose> poses, List<Long> frames) {
    for (int i = 0; i < poses.size(); i++) {
      PersonPose p = poses.get(i);
      String size = p.box().height() < far ? "far" : "near";
      int hidden = 0;
      for (float v : p.visibility()) {
        hidden += v < PersonFeatures.VISIBLE ? 1 : 0;
      }
      for (String s : List.of(size, "all")) {
        sum(source + "|" + s + "|invisible_share", hidden, PoseJoints.COUNT);
      }
      if (i < 2 || i + 2 >= poses.size() || frames.get(i + 2) - frames.get(i - 2) != 4) {
        continue;
      }
      double h = p.box().height();
      for (int j = 0; j < PoseJoints.COUNT; j++) {
        boolean all = true;
        double mx = 0;
        double my = 0;
        for (int k = i - 2; k <= i + 2; k++) {
          PersonPose q = poses.get(k);
          all &= q.visibility()[j] >= PersonFeatures.VISIBLE;
          mx += q.x()[j] / 5;
          my += q.y()[j] / 5;
        }
        if (all) {
          double rx = (p.x()[j] - mx) / h;
          double ry = (p.y()[j] - my) / h;
          sumBoth(source, size, GROUPS[GROUP_OF_JOINT[j]], (rx * rx + ry * ry) / 2);
        }
      }
      double cx = 0;
      double cy = 0;
      double bh = 0;
      for (int k = i - 2; k <= i + 2; k++) {
        PersonBox b = poses.get(k).box();
        cx += b.centerX() / 5;
        cy += b.centerY() / 5;
        bh += b.height() / 5;
      }
      double rx = (p.box().centerX() - cx) / h;
      double ry = (p.box().centerY() - cy) / h;
      sumBoth(source, size, "box_center", (rx * rx + ry * ry) / 2);
      double rh = (p.box().height() - bh) / h;
      sumBoth(source, size, "box_height", rh * rh);
    }
  }

  /** The measured values, by source, size and quantity. */
  public List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, double[]> e : sums.entrySet()) {
      double[] s = e.getValue();
      double value = e.getKey().endsWith("invisible_share") ? s[0] / s[1] : Math.sqrt(s[0] / s[1]);
      String[] k = e.getKey().split("\\|");
      rows.add(new Row(k[0], k[1], k[2], (long) s[1], value));
    }
    return rows;
  }

  /** {@link #rows()} as CSV, with {@link #CSV_HEADER}. */
  public String csv() {
    StringBuilder csv = new StringBuilder(CSV_HEADER);
    for (Row r : rows()) {
      csv.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%.5f%n", r.source(), r.size(), r.quantity(), r.n(),
          r.value()));
    }
    return csv.toString();
  }

  private void sumBoth(String source, String size, String group, double square) {
    sum(source + "|" + size + "|" + group, square, 1);
    sum(source + "|all|" + group, square, 1);
  }

  private void sum(String key, double sum, double n) {
    double[] s = sums.computeIfAbsent(key, k -> new double[2]);
    s[0] += sum;
    s[1] += n;
  }
}
