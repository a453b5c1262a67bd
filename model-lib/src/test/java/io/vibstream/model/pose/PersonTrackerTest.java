package io.vibstream.model.pose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PersonTrackerTest {
  private static final PersonTracker.Settings DEFAULTS = PersonTracker.Settings.defaults();

  /** A standing person centered at (cx, cy), h pixels tall and 0.4 h wide, joints inside the box. */
  static PersonPose person(double cx, double cy, double h) {
    float w = (float) (0.4 * h);
    PersonBox box = new PersonBox((float) (cx - w / 2), (float) (cy - h / 2), w, (float) h);
    // Joint layout in box units (x from the left edge in widths, y from the top in heights).
    float[][] at = {{0.5f, 0.5f}, {0.5f, 0.2f}, {0.5f, 0.08f}, {0.3f, 0.22f}, {0.2f, 0.35f}, {0.15f, 0.48f},
        {0.7f, 0.22f}, {0.8f, 0.35f}, {0.85f, 0.48f}, {0.4f, 0.52f}, {0.38f, 0.72f}, {0.36f, 0.92f},
        {0.3f, 0.98f}, {0.6f, 0.52f}, {0.62f, 0.72f}, {0.64f, 0.92f}, {0.7f, 0.98f}};
    float[] x = new float[PoseJoints.COUNT];
    float[] y = new float[PoseJoints.COUNT];
    float[] v = new float[PoseJoints.COUNT];
    for (int j = 0; j < PoseJoints.COUNT; j++) {
      x[j] = box.x() + at[j][0] * w;
      y[j] = box.y() + at[j][1] * box.height();
      v[j] = 0.9f;
    }
    return new PersonPose(box, x, y, v, 0.9f);
  }

  /** The track id the tracker gave {@code pose} in {@code update}, or -1 when not reported. */
  private static long idOf(PersonTracker.Update update, PersonPose pose) {
    for (PersonTracker.TrackedPerson p : update.persons()) {
      if (p.pose() == pose) {
        return p.trackId();
      }
    }
    return -1;
  }

  @Test
  void twoPeopleCrossingKeepTheirIds() {
    for (boolean hideB : new boolean[] {false, true}) {
      PersonTracker tracker = new PersonTracker(DEFAULTS);
      Set<Long> idsA = new HashSet<>();
      Set<Long> idsB = new HashSet<>();
      for (int f = 0; f < 40; f++) {
        // A walks right, B walks left, 16 px (0.08 h) per frame at 10 fps; they meet around frame 19.
        PersonPose a = person(100 + 16 * f, 300, 200);
        PersonPose b = person(720 - 16 * f, 310, 190);
        boolean bHidden = hideB && f >= 18 && f <= 21; // B behind A while they overlap
        PersonTracker.Update u = tracker.update(bHidden ? List.of(a) : List.of(b, a), 1000L + 100L * f);
        if (f >= 2) {
          idsA.add(idOf(u, a));
          if (!bHidden) {
            idsB.add(idOf(u, b));
          }
        }
        assertThat(u.endedTrackIds()).isEmpty();
      }
      assertThat(idsA).as("A, B hidden: " + hideB).hasSize(1).doesNotContain(-1L);
      assertThat(idsB).as("B, B hidden: " + hideB).hasSize(1).doesNotContain(-1L);
      assertThat(idsA).doesNotContainAnyElementsOf(idsB);
    }
  }

  @Test
  void hiddenPersonKeepsIdOnPredictedPath() {
    PersonTracker tracker = new PersonTracker(DEFAULTS);
    long id = -1;
    for (int f = 0; f < 40; f++) {
      PersonPose p = person(100 + 20 * f, 400 + 4 * f, 200); // 1 h/s right, a little down, at 10 fps
      boolean hidden = f >= 15 && f < 21;
      PersonTracker.Update u = tracker.update(hidden ? List.of() : List.of(p), 100L * f);
      assertThat(u.endedTrackIds()).isEmpty();
      if (hidden) {
        assertThat(u.persons()).isEmpty();
        assertThat(tracker.activeTracks()).isEqualTo(1); // coasting
      } else if (f >= 2) {
        long now = idOf(u, p);
        assertThat(now).isPositive();
        if (id < 0) {
          id = now;
        }
        assertThat(now).as("frame " + f).isEqualTo(id);
        if (f == 21) {
          // The filtered velocity carried through the occlusion: 200 px/s right, 40 px/s down.
          PersonTracker.TrackedPerson tp = u.persons().get(0);
          assertThat(tp.velocityX()).isCloseTo(200f, org.assertj.core.api.Assertions.within(10f));
          assertThat(tp.velocityY()).isCloseTo(40f, org.assertj.core.api.Assertions.within(10f));
        }
      }
    }
    assertThat(id).isEqualTo(1);
  }

  @Test
  void idsStableOverLongJitteryWalkWithMissesAndIrregularFrames() {
    Random rnd = new Random(7);
    PersonTracker tracker = new PersonTracker(DEFAULTS);
    Set<Long> idsA = new HashSet<>();
    Set<Long> idsB = new HashSet<>();
    int reported = 0;
    long t = 0;
    double seconds = 0;
    for (int f = 0; f < 600; f++) {
      long step = 40 + rnd.nextInt(120); // 40..160 ms between frames
      t += step;
      seconds = t / 1000.0;
      // Two people walking side by side 1.5 heights apart, 0.9 h/s, receding slowly.
      double h = 180 - 0.05 * f;
      double x = 50 + 0.9 * h * seconds;
      List<PersonPose> dets = new ArrayList<>();
      PersonPose a = null;
      PersonPose b = null;
      if (rnd.nextDouble() >= 0.1) {
        a = person(x + rnd.nextGaussian() * 0.03 * h, 300 + rnd.nextGaussian() * 0.03 * h,
            h * (1 + rnd.nextGaussian() * 0.03));
        dets.add(a);
      }
      if (rnd.nextDouble() >= 0.1) {
        b = person(x + 15 + rnd.nextGaussian() * 0.03 * h, 300 + 1.5 * h + rnd.nextGaussian() * 0.03 * h,
            h * (1 + rnd.nextGaussian() * 0.03));
        dets.add(b);
      }
      if (rnd.nextBoolean()) {
        java.util.Collections.reverse(dets);
      }
      PersonTracker.Update u = tracker.update(dets, t);
      assertThat(u.endedTrackIds()).as("frame " + f).isEmpty();
      if (f >= 10) {
        if (a != null) {
          idsA.add(idOf(u, a));
        }
        if (b != null) {
          idsB.add(idOf(u, b));
        }
        for (PersonTracker.TrackedPerson p : u.persons()) {
          float height = p.pose().box().height();
          assertThat(p.velocityX() / height).as("frame " + f).isBetween(0.4f, 1.4f); // walking at 0.9 h/s
          assertThat(Math.abs(p.velocityY() / height)).as("frame " + f).isLessThan(0.5f);
          reported++;
        }
      }
    }
    assertThat(idsA).hasSize(1).doesNotContain(-1L);
    assertThat(idsB).hasSize(1).doesNotContain(-1L);
    assertThat(idsA).doesNotContainAnyElementsOf(idsB);
    assertThat(reported).isGreaterThan(2 * 590 * 8 / 10);
    assertThat(tracker.activeTracks()).isEqualTo(2);
  }

  @Test
  void smallFastPersonMatchesByCenteredistance() {
    // 40 px tall, 16 px wide, 20 px per frame: consecutive boxes never overlap.
    PersonTracker gated = new PersonTracker(DEFAULTS);
    PersonTracker iouOnly = new PersonTracker(new PersonTracker.Settings(0.2f, 0f, 3, 15));
    Set<Long> ids = new HashSet<>();
    int iouOnlyReported = 0;
    for (int f = 0; f < 30; f++) {
      PersonPose p = person(50 + 20 * f, 200, 40);
      PersonTracker.Update u = gated.update(List.of(p), 100L * f);
      if (f >= 2) {
        ids.add(idOf(u, p));
      }
      iouOnlyReported += iouOnly.update(List.of(p), 100L * f).persons().size();
    }
    assertThat(ids).containsExactly(1L);
    assertThat(iouOnlyReported).isZero(); // without the distance gate every frame starts a new tentative track
  }

  @Test
  void trackEndsAfterMaxMissedFramesAndIsReportedOnce() {
    PersonTracker tracker = new PersonTracker(new PersonTracker.Settings(0.2f, 0.75f, 2, 3));
    for (int f = 0; f < 5; f++) {
      assertThat(tracker.update(List.of(person(200 + 10 * f, 200, 200)), 100L * f).endedTrackIds()).isEmpty();
    }
    assertThat(tracker.activeTracks()).isEqualTo(1);
    List<List<Long>> ended = new ArrayList<>();
    for (int f = 5; f < 12; f++) {
      ended.add(tracker.update(List.of(), 100L * f).endedTrackIds());
    }
    // Missed in frames 5, 6, 7 (3 = maxMissedFrames): alive; the 4th miss (frame 8) ends it.
    assertThat(ended).containsExactly(List.of(), List.of(), List.of(), List.of(1L), List.of(), List.of(), List.of());
    assertThat(tracker.activeTracks()).isZero();
  }

  @Test
  void newPersonGetsNewIdNeverReused() {
    PersonTracker tracker = new PersonTracker(new PersonTracker.Settings(0.2f, 0.75f, 2, 1));
    List<Long> seen = new ArrayList<>();
    long t = 0;
    for (int person = 0; person < 3; person++) {
      // The same place each time: a new person after the old track ended.
      for (int f = 0; f < 4; f++) {
        PersonTracker.Update u = tracker.update(List.of(person(300, 300, 200)), t += 100);
        u.persons().forEach(p -> seen.add(p.trackId()));
      }
      // A one-frame false detection far away: tentative, dropped, consumes no id.
      tracker.update(List.of(person(900, 100, 150)), t += 100);
      tracker.update(List.of(), t += 100);
      tracker.update(List.of(), t += 100);
    }
    // A second person appearing next to the first gets its own id.
    PersonTracker.Update last = null;
    for (int f = 0; f < 3; f++) {
      last = tracker.update(List.of(person(300, 300, 200), person(700, 300, 200)), t += 100);
    }
    assertThat(seen).containsExactly(1L, 1L, 1L, 2L, 2L, 2L, 3L, 3L, 3L);
    assertThat(last.persons()).extracting(PersonTracker.TrackedPerson::trackId).containsExactly(4L, 5L);
  }

  @Test
  void minHitsOneConfirmsAtOnceWithZeroVelocity() {
    PersonTracker tracker = new PersonTracker(new PersonTracker.Settings(0.2f, 0.75f, 1, 2));
    PersonTracker.Update u = tracker.update(List.of(person(100, 100, 100)), 5000);
    assertThat(u.persons()).hasSize(1);
    PersonTracker.TrackedPerson p = u.persons().get(0);
    assertThat(p.trackId()).isEqualTo(1);
    assertThat(p.velocityX()).isZero();
    assertThat(p.velocityY()).isZero();
    PersonPose next = person(105, 100, 100);
    p = tracker.update(List.of(next), 5100).persons().get(0);
    assertThat(p.velocityX()).isBetween(1f, 50f); // moved 5 px in 0.1 s: toward 50 px/s
    assertThat(p.velocityY()).isZero();
    assertThat(p.pose()).isSameAs(next);
  }

  /** Frames of a busy scene: three people, misses, a late entrant, irregular times. */
  private static List<List<PersonPose>> scene(long seed, int frames) {
    Random rnd = new Random(seed);
    List<List<PersonPose>> out = new ArrayList<>();
    for (int f = 0; f < frames; f++) {
      List<PersonPose> dets = new ArrayList<>();
      if (rnd.nextDouble() > 0.15) {
        dets.add(person(100 + 15 * f + rnd.nextGaussian() * 4, 300, 200 + rnd.nextGaussian() * 4));
      }
      if (rnd.nextDouble() > 0.15) {
        dets.add(person(800 - 12 * f + rnd.nextGaussian() * 4, 320, 190));
      }
      if (f > 20 && f < 50 && rnd.nextDouble() > 0.15) {
        dets.add(person(400, 100 + 5 * f, 120));
      }
      out.add(dets);
    }
    return out;
  }

  @Test
  void snapshotRestoreGivesIdenticalUpdates() {
    List<List<PersonPose>> frames = scene(3, 80);
    long[] times = new long[frames.size()];
    Random rnd = new Random(11);
    for (int f = 1; f < times.length; f++) {
      times[f] = times[f - 1] + 50 + rnd.nextInt(100);
    }
    for (int cut : new int[] {0, 1, 25, 40}) {
      PersonTracker original = new PersonTracker(DEFAULTS);
      for (int f = 0; f < cut; f++) {
        original.update(frames.get(f), times[f]);
      }
      byte[] snap = original.snapshot();
      assertThat(snap[0]).isEqualTo((byte) 2);
      PersonTracker restored = PersonTracker.restore(snap, DEFAULTS);
      assertThat(restored.snapshot()).isEqualTo(snap);
      assertThat(restored.activeTracks()).isEqualTo(original.activeTracks());
      for (int f = cut; f < frames.size(); f++) {
        PersonTracker.Update a = original.update(frames.get(f), times[f]);
        PersonTracker.Update b = restored.update(frames.get(f), times[f]);
        assertThat(b).as("cut " + cut + " frame " + f).isEqualTo(a);
      }
      assertThat(restored.snapshot()).isEqualTo(original.snapshot());
    }
  }

  @Test
  void formatOneSnapshotsStillRestore() {
    List<List<PersonPose>> frames = scene(3, 60);
    PersonTracker original = new PersonTracker(DEFAULTS);
    for (int f = 0; f < 30; f++) {
      original.update(frames.get(f), 100L * f);
    }
    // Format 1: the same, with 24 bytes (last detection's time and box) after each track's misses.
    ByteBuffer two = ByteBuffer.wrap(original.snapshot());
    two.position(1 + 8 + 1 + 8);
    int count = two.getInt();
    int trackBytes = 8 + 4 + 4 + 17 * 8;
    ByteBuffer one = ByteBuffer.allocate(two.capacity() + 24 * count);
    one.put((byte) 1).put(original.snapshot(), 1, 1 + 8 + 8 + 4 - 1 + 1);
    for (int i = 0; i < count; i++) {
      int at = 1 + 8 + 1 + 8 + 4 + i * trackBytes;
      one.put(two.array(), at, 16).putLong(100L * 29).putFloat(1).putFloat(2).putFloat(3).putFloat(4);
      one.put(two.array(), at + 16, trackBytes - 16);
    }
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(one.array(), 0, one.position());
    one.putInt((int) crc.getValue());
    PersonTracker restored = PersonTracker.restore(one.array(), DEFAULTS);
    assertThat(restored.snapshot()).isEqualTo(original.snapshot());
    for (int f = 30; f < frames.size(); f++) {
      assertThat(restored.update(frames.get(f), 100L * f)).isEqualTo(original.update(frames.get(f), 100L * f));
    }
  }

  @Test
  void corruptedOrTruncatedSnapshotsAreRefused() {
    PersonTracker tracker = new PersonTracker(DEFAULTS);
    List<List<PersonPose>> frames = scene(5, 30);
    for (int f = 0; f < frames.size(); f++) {
      tracker.update(frames.get(f), 100L * f);
    }
    byte[] snap = tracker.snapshot();
    assertThat(snap.length).isGreaterThan(200);
    for (int n = 0; n < snap.length; n++) {
      byte[] cut = java.util.Arrays.copyOf(snap, n);
      assertThatThrownBy(() -> PersonTracker.restore(cut, DEFAULTS)).as("truncated to " + n)
          .isInstanceOf(IllegalArgumentException.class).hasMessageMatching(".*\\w.*");
    }
    byte[] longer = java.util.Arrays.copyOf(snap, snap.length + 1);
    assertThatThrownBy(() -> PersonTracker.restore(longer, DEFAULTS)).isInstanceOf(IllegalArgumentException.class);
    for (int i = 0; i < snap.length; i++) {
      byte[] bad = snap.clone();
      bad[i] ^= (byte) 0x5a;
      assertThatThrownBy(() -> PersonTracker.restore(bad, DEFAULTS)).as("byte " + i)
          .isInstanceOf(IllegalArgumentException.class).hasMessageMatching(".*\\w.*");
    }
    byte[] future = snap.clone();
    future[0] = 9;
    assertThatThrownBy(() -> PersonTracker.restore(future, DEFAULTS)).hasMessageContaining("format 9");
    byte[] flipped = snap.clone();
    flipped[40] ^= 1;
    assertThatThrownBy(() -> PersonTracker.restore(flipped, DEFAULTS)).hasMessageContaining("checksum");
    // A huge track count is refused before anything is allocated for it.
    ByteBuffer huge = ByteBuffer.allocate(1 + 8 + 1 + 8 + 4 + 4);
    huge.put((byte) 1).putLong(1).put((byte) 0).putLong(0).putInt(Integer.MAX_VALUE).putInt(0);
    assertThatThrownBy(() -> PersonTracker.restore(huge.array(), DEFAULTS)).hasMessageContaining("track count");
    assertThatThrownBy(() -> PersonTracker.restore(new byte[0], DEFAULTS)).hasMessageContaining("truncated");
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(() -> new PersonTracker.Settings(1.5f, 1, 3, 5)).hasMessageContaining("minIou");
    assertThatThrownBy(() -> new PersonTracker.Settings(Float.NaN, 1, 3, 5)).hasMessageContaining("minIou");
    assertThatThrownBy(() -> new PersonTracker.Settings(0.3f, -1, 3, 5)).hasMessageContaining("maxCenterDistance");
    assertThatThrownBy(() -> new PersonTracker.Settings(0.3f, Float.POSITIVE_INFINITY, 3, 5))
        .hasMessageContaining("maxCenterDistance");
    assertThatThrownBy(() -> new PersonTracker.Settings(0.3f, 1, 0, 5)).hasMessageContaining("minHits");
    assertThatThrownBy(() -> new PersonTracker.Settings(0.3f, 1, 3, -1)).hasMessageContaining("maxMissedFrames");
  }

  @Test
  void hungarianFindsTheOptimum() {
    double[][] cost = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
    assertThat(HungarianAssignment.solve(cost)).containsExactly(1, 0, 2);
    // More rows than columns: the cheapest rows get the columns.
    assertThat(HungarianAssignment.solve(new double[][] {{5}, {1}, {3}})).containsExactly(-1, 0, -1);
    assertThat(HungarianAssignment.solve(new double[][] {{2, 1, 0.5}})).containsExactly(2);
    assertThat(HungarianAssignment.solve(new double[0][0])).isEmpty();
  }
}
