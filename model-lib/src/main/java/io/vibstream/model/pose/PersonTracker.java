package io.vibstream.model.pose;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Per-camera person tracking (SORT-style): gives the people of consecutive frames stable track
 * ids, so that each person's features can be fed to the action LSTM as one sequence.
 *
 * <p><b>Motion model.</b> Each track keeps a constant-velocity Kalman filter on its box, state
 * x = (cx, cy, h, r, vx, vy, vh) with r = w / h, measurement z = (cx, cy, h, r). Height rather than
 * area because people keep their aspect roughly and the gates below work in box heights; the
 * aspect has no velocity (a random walk), since it swings with the limbs rather than trending.
 * Frames come at irregular times, so every step uses the elapsed dt (seconds):
 * <pre>
 *   predict   p = p + v dt,   P = F P F' + Q,   F = [[1, dt], [0, 1]] per (p, v) pair
 *             Q = a^2 [[dt^4/4, dt^3/2], [dt^3/2, dt^2]]   (white-noise acceleration a, per pair)
 *             r unchanged,    var_r += w^2 dt
 *   correct   S = P_pp + R,  K = P[:, p] / S,  x += K (z - p),  P = (I - K H) P
 * </pre>
 * with a = 2 h/s^2 for the center and 0.5 h/s^2 for the height, R = (0.05 h)^2 for cx, cy and h
 * and 0.05^2 for r, w = 0.2 per sqrt(s). Scaling the noise by the current height h makes a far
 * person (small box) and a near one behave alike. F, Q and R are block diagonal, so the filter
 * runs exactly as three 2-state filters and one scalar one ({@link KalmanBoxFilter}). A new track
 * starts at its detection with zero velocity of std 1.5 h/s, so its second detection sets the
 * velocity. A missed track coasts on its prediction, and because its covariance grows every
 * predict, so does its gate: a person hidden for a few frames is picked up again near the
 * predicted path, and two people crossing are told apart by where each was heading.
 * The filtered center velocity is also the person's motion in their features ({@link
 * TrackedPerson#velocityX}): several frames' boxes smooth out the detector's per-frame jitter.
 *
 * <p><b>Association.</b> After predicting every track to the frame's time, a detection and a track
 * may match when their heights are within a factor 2 and either IoU(predicted box, detection) &gt;=
 * {@code minIou} (and &gt; 0), or the center distance d &lt;= {@code maxCenterDistance} h + min(2 sigma, h),
 * with sigma the predicted center's std (capped so that a long gap between frames does not open
 * the gate to the whole frame); the distance gate lets a small fast person whose boxes no
 * longer overlap still match (a {@code maxCenterDistance} of 0 turns it off). Among allowed pairs
 * the assignment minimizing sum (1 - IoU + d / h) is found exactly (Hungarian method; a frame
 * holds few people), first for confirmed tracks, then for tentative ones with the detections
 * left, so a fresh false detection never takes a person from an established track.
 *
 * <p><b>Lifecycle.</b> An unmatched detection starts a tentative track; it is confirmed, and gets
 * the next id (1, 2, ... per tracker, never reused), after {@code minHits} consecutive hits, and a
 * tentative track that misses once is dropped silently. A confirmed track missed in more than
 * {@code maxMissedFrames} consecutive frames ends and is reported once in
 * {@link Update#endedTrackIds}. A timestamp earlier than the last one is taken as no elapsed time.
 *
 * <p>Not thread-safe: one tracker per camera, e.g. in Flink keyed state via {@link #snapshot()}.
 */
public final class PersonTracker {
  /** Leading byte of {@link #snapshot()}. */
  static final byte FORMAT = 2;
  /** Format 1 also held each track's last detection time and box (24 bytes), no longer used. */
  private static final byte FORMAT_1 = 1;
  private static final int FORMAT_1_EXTRA_BYTES = 8 + 4 * 4;
  private static final int HEADER_BYTES = 1 + 8 + 1 + 8 + 4;
  private static final int TRACK_BYTES = 8 + 4 + 4 + KalmanBoxFilter.DOUBLES * 8;
  private static final int CRC_BYTES = 4;
  private static final double FORBIDDEN = 1e6;
  private static final double MAX_HEIGHT_RATIO = 2;
  /** Cap on the uncertainty added to the distance gate, in box heights (after a long gap in frames). */
  private static final double MAX_GATE_SLACK = 1;

  /**
   * @param minIou IoU between a track's predicted box and a detection that allows a match, in [0, 1]
   * @param maxCenterDistance center distance that allows a match, in predicted box heights (plus
   *     twice the predicted center's std); 0 disables the distance gate
   * @param minHits consecutive matched frames that confirm a track, &gt;= 1 (1: confirmed at once)
   * @param maxMissedFrames consecutive frames a confirmed track may go unmatched and still live, &gt;= 0
   */
  public record Settings(float minIou, float maxCenterDistance, int minHits, int maxMissedFrames) {
    public Settings {
      if (!(minIou >= 0 && minIou <= 1)) {
        throw new IllegalArgumentException("minIou must be in [0, 1]: " + minIou);
      }
      if (!(maxCenterDistance >= 0) || !Float.isFinite(maxCenterDistance)) {
        throw new IllegalArgumentException("maxCenterDistance must be finite and >= 0: " + maxCenterDistance);
      }
      if (minHits < 1) {
        throw new IllegalArgumentException("minHits must be >= 1: " + minHits);
      }
      if (maxMissedFrames < 0) {
        throw new IllegalArgumentException("maxMissedFrames must be >= 0: " + maxMissedFrames);
      }
    }

    /** IoU 0.2, center distance 0.75 box heights, 3 hits to confirm, 15 missed frames (~1 s at 15 fps). */
    public static Settings defaults() {
      return new Settings(0.2f, 0.75f, 3, 15);
    }
  }

  /**
   * One confirmed person in a frame.
   *
   * @param pose the detection as seen (not the filtered box), for the features
   * @param velocityX the track's filtered box-center velocity after this frame's detection, pixels
   *     per second along x (zero on a track's first frame)
   * @param velocityY the same along y
   */
  public record TrackedPerson(long trackId, PersonPose pose, float velocityX, float velocityY) {
    public TrackedPerson {
      Objects.requireNonNull(pose, "pose");
    }
  }

  /**
   * @param persons the confirmed tracks matched in this frame, in the order of their detections
   * @param endedTrackIds confirmed tracks that ended in this frame, ascending
   */
  public record Update(List<TrackedPerson> persons, List<Long> endedTrackIds) {
    public Update {
      persons = List.copyOf(persons);
      endedTrackIds = List.copyOf(endedTrackIds);
    }
  }

  private static final class Track {
    long id; // 0 while tentative
    int hits; // consecutive matched frames, saturating
    int missed; // consecutive unmatched frames
    final KalmanBoxFilter filter;
    PersonBox predicted; // this frame's predicted box, transient

    Track(KalmanBoxFilter filter) {
      this.filter = filter;
    }
  }

  private final Settings settings;
  private final List<Track> tracks = new ArrayList<>();
  private long nextId = 1;
  private boolean hasTimestamp;
  private long lastTimestampMs;

  public PersonTracker(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** One frame's detections -> the confirmed persons seen in it, and tracks that ended. */
  public Update update(List<PersonPose> detections, long timestampMs) {
    Objects.requireNonNull(detections, "detections");
    for (PersonPose d : detections) {
      Objects.requireNonNull(d, "detection");
    }
    double dt = hasTimestamp ? Math.max(0, timestampMs - lastTimestampMs) / 1000.0 : 0;
    for (Track t : tracks) {
      t.filter.predict(dt);
      t.predicted = t.filter.box();
    }
    int nd = detections.size();
    int[] trackOfDetection = new int[nd];
    Arrays.fill(trackOfDetection, -1);
    associate(detections, trackOfDetection, true);
    associate(detections, trackOfDetection, false);
    int[] detectionOfTrack = new int[tracks.size()];
    Arrays.fill(detectionOfTrack, -1);
    for (int d = 0; d < nd; d++) {
      if (trackOfDetection[d] >= 0) {
        detectionOfTrack[trackOfDetection[d]] = d;
      }
    }

    TrackedPerson[] seen = new TrackedPerson[nd];
    List<Long> ended = new ArrayList<>();
    List<Track> kept = new ArrayList<>(tracks.size() + nd);
    for (int i = 0; i < tracks.size(); i++) {
      Track t = tracks.get(i);
      int d = detectionOfTrack[i];
      if (d >= 0) {
        PersonPose pose = detections.get(d);
        t.filter.correct(pose.box());
        t.hits = t.hits == Integer.MAX_VALUE ? t.hits : t.hits + 1;
        t.missed = 0;
        if (t.id == 0 && t.hits >= settings.minHits()) {
          t.id = nextId++;
        }
        if (t.id != 0) {
          seen[d] = new TrackedPerson(t.id, pose, (float) t.filter.velocityX(), (float) t.filter.velocityY());
        }
        kept.add(t);
      } else if (t.id != 0 && ++t.missed <= settings.maxMissedFrames()) {
        kept.add(t);
      } else if (t.id != 0) {
        ended.add(t.id);
      }
      t.predicted = null;
    }
    for (int d = 0; d < nd; d++) {
      if (trackOfDetection[d] < 0) {
        PersonPose pose = detections.get(d);
        Track t = new Track(KalmanBoxFilter.start(pose.box()));
        t.hits = 1;
        if (settings.minHits() <= 1) {
          t.id = nextId++;
          seen[d] = new TrackedPerson(t.id, pose, 0f, 0f);
        }
        kept.add(t);
      }
    }
    tracks.clear();
    tracks.addAll(kept);
    lastTimestampMs = hasTimestamp ? Math.max(lastTimestampMs, timestampMs) : timestampMs;
    hasTimestamp = true;

    List<TrackedPerson> persons = new ArrayList<>();
    for (TrackedPerson p : seen) {
      if (p != null) {
        persons.add(p);
      }
    }
    ended.sort(null);
    return new Update(persons, ended);
  }

  /** Matches the confirmed (or tentative) tracks to the detections still free, optimally. */
  private void associate(List<PersonPose> detections, int[] trackOfDetection, boolean confirmed) {
    List<Integer> rows = new ArrayList<>();
    for (int i = 0; i < tracks.size(); i++) {
      if ((tracks.get(i).id != 0) == confirmed) {
        rows.add(i);
      }
    }
    List<Integer> cols = new ArrayList<>();
    for (int d = 0; d < detections.size(); d++) {
      if (trackOfDetection[d] < 0) {
        cols.add(d);
      }
    }
    if (rows.isEmpty() || cols.isEmpty()) {
      return;
    }
    double[][] cost = new double[rows.size()][cols.size()];
    for (int r = 0; r < rows.size(); r++) {
      Track t = tracks.get(rows.get(r));
      for (int c = 0; c < cols.size(); c++) {
        cost[r][c] = cost(t, detections.get(cols.get(c)).box());
      }
    }
    int[] match = HungarianAssignment.solve(cost);
    for (int r = 0; r < match.length; r++) {
      if (match[r] >= 0 && cost[r][match[r]] < FORBIDDEN) {
        trackOfDetection[cols.get(match[r])] = rows.get(r);
      }
    }
  }

  /** 1 - IoU + d / h for an allowed pair, {@link #FORBIDDEN} otherwise. */
  private double cost(Track t, PersonBox detection) {
    KalmanBoxFilter f = t.filter;
    double h = Math.max(f.height(), KalmanBoxFilter.MIN_HEIGHT);
    double ratio = Math.max(detection.height(), KalmanBoxFilter.MIN_HEIGHT) / h;
    if (ratio > MAX_HEIGHT_RATIO || ratio < 1 / MAX_HEIGHT_RATIO) {
      return FORBIDDEN;
    }
    double iou = t.predicted.iou(detection);
    double distance = Math.hypot(detection.centerX() - f.centerX(), detection.centerY() - f.centerY());
    boolean byIou = iou > 0 && iou >= settings.minIou();
    boolean byDistance = settings.maxCenterDistance() > 0
        && distance <= settings.maxCenterDistance() * h + Math.min(2 * f.centerstd(), MAX_GATE_SLACK * h);
    return byIou || byDistance ? 1 - iou + distance / h : FORBIDDEN;
  }

  /** Confirmed tracks alive, whether seen in the last frame or coasting; tentative ones are not counted. */
  public int activeTracks() {
    int n = 0;
    for (Track t : tracks) {
      if (t.id != 0) {
        n++;
      }
    }
    return n;
  }

  /**
   * Compact binary snapshot of all tracker state for Flink keyed state: format byte {@value #FORMAT},
   * the next id, the last timestamp, the tracks (id, hits, misses, filter mean and covariance), and
   * a CRC-32 of all that. Settings are not included. {@link #restore} also reads format 1.
   */
  public byte[] snapshot() {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + tracks.size() * TRACK_BYTES + CRC_BYTES);
    out.put(FORMAT).putLong(nextId).put((byte) (hasTimestamp ? 1 : 0)).putLong(lastTimestampMs).putInt(tracks.size());
    for (Track t : tracks) {
      out.putLong(t.id).putInt(t.hits).putInt(t.missed);
      t.filter.write(out);
    }
    CRC32 crc = new CRC32();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /**
   * A tracker in the state of {@code snapshot}, run with {@code settings}.
   *
   * @throws IllegalArgumentException with the reason when the bytes are not a valid snapshot
   */
  public static PersonTracker restore(byte[] snapshot, Settings settings) {
    Objects.requireNonNull(snapshot, "snapshot");
    PersonTracker tracker = new PersonTracker(settings);
    if (snapshot.length < HEADER_BYTES + CRC_BYTES) {
      throw new IllegalArgumentException("tracker snapshot truncated: " + snapshot.length + " bytes, at least "
          + (HEADER_BYTES + CRC_BYTES) + " needed");
    }
    if (snapshot[0] != FORMAT && snapshot[0] != FORMAT_1) {
      throw new IllegalArgumentException("unknown tracker snapshot format " + snapshot[0] + ", expected " + FORMAT
          + " or " + FORMAT_1);
    }
    int trackBytes = TRACK_BYTES + (snapshot[0] == FORMAT_1 ? FORMAT_1_EXTRA_BYTES : 0);
    ByteBuffer in = ByteBuffer.wrap(snapshot);
    in.position(1);
    try {
      tracker.nextId = in.getLong();
      byte hasTime = in.get();
      tracker.lastTimestampMs = in.getLong();
      int count = in.getInt();
      if (tracker.nextId < 1) {
        throw new IllegalArgumentException("next track id " + tracker.nextId + " is not positive");
      }
      if (hasTime != 0 && hasTime != 1) {
        throw new IllegalArgumentException("invalid timestamp flag " + hasTime);
      }
      tracker.hasTimestamp = hasTime == 1;
      long room = (long) in.remaining() - CRC_BYTES;
      if (count < 0 || (long) count * trackBytes != room) {
        throw new IllegalArgumentException("track count " + count + " does not match the " + room
            + " bytes of tracks (" + trackBytes + " each)");
      }
      CRC32 crc = new CRC32();
      crc.update(snapshot, 0, snapshot.length - CRC_BYTES);
      int stored = ByteBuffer.wrap(snapshot, snapshot.length - CRC_BYTES, CRC_BYTES).getInt();
      if (stored != (int) crc.getValue()) {
        throw new IllegalArgumentException("tracker snapshot checksum mismatch (corrupted bytes)");
      }
      Set<Long> ids = new HashSet<>();
      for (int i = 0; i < count; i++) {
        long id = in.getLong();
        int hits = in.getInt();
        int missed = in.getInt();
        in.position(in.position() + trackBytes - TRACK_BYTES);
        if (id < 0 || id >= tracker.nextId || (id != 0 && !ids.add(id))) {
          throw new IllegalArgumentException("track " + i + ": invalid or repeated id " + id);
        }
        if (hits < 1 || missed < 0 || (id == 0 && missed != 0)) {
          throw new IllegalArgumentException("track " + i + ": invalid hits " + hits + " or misses " + missed);
        }
        Track t;
        try {
          t = new Track(KalmanBoxFilter.read(in));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("track " + i + ": " + e.getMessage(), e);
        }
        t.id = id;
        t.hits = hits;
        t.missed = missed;
        tracker.tracks.add(t);
      }
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("tracker snapshot truncated", e);
    }
    return tracker;
  }
}
