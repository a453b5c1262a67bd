package io.vibstream.model.pose;

import java.util.Arrays;

/**
 * Minimum-cost assignment of rows to columns (Kuhn-Munkres with potentials, O(n^2 m) for n rows
 * and m columns), for the few tracks and detections of one camera frame.
 */
final class HungarianAssignment {
  private HungarianAssignment() {}

  /**
   * For each row, the column it is assigned to, or -1. Every row gets a column when there are at
   * least as many columns, and every column a row otherwise; the total cost is minimal. Costs must
   * be finite; callers make forbidden pairs expensive and drop them afterwards.
   */
  static int[] solve(double[][] cost) {
    int rows = cost.length;
    int cols = rows == 0 ? 0 : cost[0].length;
    int[] result = new int[rows];
    Arrays.fill(result, -1);
    if (rows == 0 || cols == 0) {
      return result;
    }
    boolean transpose = rows > cols;
    int n = transpose ? cols : rows;
    int m = transpose ? rows : cols;
    double[] u = new double[n + 1];
    double[] v = new double[m + 1];
    int[] p = new int[m + 1];
    int[] way = new int[m + 1];
    double[] minv = new double[m + 1];
    boolean[] used = new boolean[m + 1];
    for (int i = 1; i <= n; i++) {
      p[0] = i;
      int j0 = 0;
      Arrays.fill(minv, Double.POSITIVE_INFINITY);
      Arrays.fill(used, false);
      do {
        used[j0] = true;
        int i0 = p[j0];
        double delta = Double.POSITIVE_INFINITY;
        int j1 = 0;
        for (int j = 1; j <= m; j++) {
          if (!used[j]) {
            double c = (transpose ? cost[j - 1][i0 - 1] : cost[i0 - 1][j - 1]) - u[i0] - v[j];
            if (c < minv[j]) {
              minv[j] = c;
              way[j] = j0;
            }
            if (minv[j] < delta) {
              delta = minv[j];
              j1 = j;
            }
          }
        }
        for (int j = 0; j <= m; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] != 0);
      do {
        int j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    for (int j = 1; j <= m; j++) {
      if (p[j] != 0) {
        if (transpose) {
          result[j - 1] = p[j] - 1;
        } else {
          result[p[j] - 1] = j - 1;
        }
      }
    }
    return result;
  }
}
