package io.vibstream.model.pose;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.CC_STAT_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.CC_STAT_HEIGHT;
import static org.bytedeco.opencv.global.opencv_imgproc.CC_STAT_LEFT;
import static org.bytedeco.opencv.global.opencv_imgproc.CC_STAT_TOP;
import static org.bytedeco.opencv.global.opencv_imgproc.CC_STAT_WIDTH;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_CLOSE;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_ELLIPSE;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_OPEN;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_RECT;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.global.opencv_video;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.HOGDescriptor;
import org.bytedeco.opencv.opencv_video.BackgroundSubtractorMOG2;

/**
 * Finds people in fixed-camera video by motion: a MOG2 background model per camera at half
 * resolution, the foreground (shadows dropped) cleaned and cut into connected blobs, each blob of
 * a plausible size one person. A blob too wide for one upright person (people walking side by side
 * or crossing) is searched with OpenCV's HOG people detector on an upscaled patch, and replaced by
 * what HOG finds there when it finds two or more people. About 10 ms a frame on one core for
 * 768x576.
 *
 * <p>A person standing still long enough fades into the background. With {@code staticEvery > 0},
 * every that many frames of a camera HOG runs over the whole frame (upscaled 1.5x, about 200 ms for
 * 768x576): motion blobs holding two or more HOG people are replaced by them, and HOG people away
 * from every motion box are kept as the camera's static people, reported each frame until the next
 * HOG frame or until a motion box overlaps them. Cameras' HOG frames are offset from each other.
 * That pass runs on one background worker thread owned by the detector, on a copy of the frame, so
 * that the HOG frame is not delayed: its result is applied exactly {@link #STATIC_LAG_FRAMES}
 * frames later (static people stand still), waiting only if the worker is later than that, and
 * meanwhile the previous static people are reported. So the output depends on the frames alone, never
 * on timing: the job and a replay of the same frames find the same people. The package-private
 * constructor flag {@code waitForStatic} applies the result on the HOG frame itself instead.
 *
 * <p>OpenCV runs on the calling thread only ({@code cv::setNumThreads(1)}, process-wide, set by
 * the first detector): its own thread pool would spread every background-model and HOG call over
 * all cores, where the job already runs one estimator per subtask thread (as TFLite runs on one
 * thread), and the static pass would take every core at once.
 *
 * <p>Needs a fixed camera and continuous frames in capture order: the background model learns from
 * the first frames (about {@link #WARM_UP_FRAMES}), and until then finds nothing or ghosts. People
 * one behind the other along the camera axis stay one blob between HOG frames.
 */
final class MotionPersonDetector implements AutoCloseable {
  /** Frames a camera's background model needs before its detections are reported. */
  static final int WARM_UP_FRAMES = 20;
  private static final int HISTORY = 200;
  private static final double VAR_THRESHOLD = 16;
  /** Blob width over height above which HOG looks for several people in it. */
  private static final float SPLIT_ASPECT = 0.6f;
  /** HOG's window is 64x128 with a person about 96 px tall in it. */
  private static final float HOG_PERSON_HEIGHT = 96f;
  /** Upscale of the whole frame for the static-person pass: people from about 64 px tall. */
  private static final float STATIC_SCALE = 1.5f;
  /** A HOG box and a motion box this much overlapped (IoU) are the same person. */
  private static final float SAME_PERSON_IOU = 0.2f;

  private final Map<String, Camera> cameras = new HashMap<>();
  private final HOGDescriptor hog = new HOGDescriptor();
  private final Mat hogWeights;
  /** The static pass's own HOG, used by the worker thread only. */
  private final HOGDescriptor staticHog;
  /** The worker's upscaled frame, used by the worker thread only. */
  private final Mat staticUp = new Mat();
  /** The one worker thread of the static pass (null when staticEvery is 0). */
  private final ExecutorService staticWorker;
  private final boolean waitForStatic;
  /** Frames between a HOG frame and the frame its result is applied on (0 with waitForStatic). */
  private final int applyLag;
  /** How long the worker has for a HOG pass before the camera waits for it: 3 frames, 300 ms at 10 fps. */
  static final int STATIC_LAG_FRAMES = 3;
  private final Mat openKernel = opencv_imgproc.getStructuringElement(MORPH_RECT, new Size(2, 2));
  private final Mat closeKernel = opencv_imgproc.getStructuringElement(MORPH_ELLIPSE, new Size(5, 9));
  private final Size hogStride = new Size(8, 8);
  private final int minHeight;
  private final int staticEvery;
  private boolean closed;

  /** Motion only, no static-person pass. @param minPersonHeight smallest person height in frame pixels reported */
  MotionPersonDetector(int minPersonHeight) {
    this(minPersonHeight, 0);
  }

  /**
   * @param minPersonHeight smallest person height in frame pixels reported
   * @param staticEvery run HOG over the whole frame every this many frames of a camera to find people
   *     standing still (0: never)
   */
  MotionPersonDetector(int minPersonHeight, int staticEvery) {
    this(minPersonHeight, staticEvery, false);
  }

  /**
   * @param minPersonHeight smallest person height in frame pixels reported
   * @param staticEvery run HOG over the whole frame every this many frames of a camera to find people
   *     standing still (0: never)
   * @param waitForStatic wait for the static pass's result on its HOG frame (frame-exact, but that
   *     frame takes the HOG time) instead of applying it on the first frame after it is ready
   */
  MotionPersonDetector(int minPersonHeight, int staticEvery, boolean waitForStatic) {
    if (staticEvery < 0) {
      throw new IllegalArgumentException("staticEvery < 0: " + staticEvery);
    }
    opencv_core.setNumThreads(1);
    this.minHeight = minPersonHeight;
    this.staticEvery = staticEvery;
    this.waitForStatic = waitForStatic;
    this.applyLag = waitForStatic || staticEvery == 0 ? 0 : Math.min(STATIC_LAG_FRAMES, staticEvery - 1);
    int n = (int) hog.getDescriptorSize() + 1;
    hogWeights = new Mat(1, n, CV_32FC1, HOGDescriptor.getDefaultPeopleDetector());
    hog.setSVMDetector(hogWeights);
    if (staticEvery > 0) {
      staticHog = new HOGDescriptor();
      staticHog.setSVMDetector(hogWeights);
      staticWorker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vibstream-static-hog");
        t.setDaemon(true);
        return t;
      });
    } else {
      staticHog = null;
      staticWorker = null;
    }
  }

  /** A static-pass HOG job of a camera: the frame number it was taken on and its HOG people. */
  private record StaticJob(long frame, Future<List<PersonBox>> result) {}

  /** Per-camera state: its background model and reusable images. */
  private static final class Camera implements AutoCloseable {
    final BackgroundSubtractorMOG2 background =
        opencv_video.createBackgroundSubtractorMOG2(HISTORY, VAR_THRESHOLD, true);
    final int width;
    final int height;
    final BytePointer pixels;
    final Mat frame;
    final Size half;
    final Mat small = new Mat();
    final Mat mask = new Mat();
    final Mat labels = new Mat();
    final Mat stats = new Mat();
    final Mat centroids = new Mat();
    /** Offset of this camera's HOG frames, so that cameras take turns. */
    final int phase;
    /** People HOG found last time away from any motion blob, reported until HOG runs again. */
    List<PersonBox> statics = List.of();
    /** The static-pass HOG job in flight (or done and not yet applied), or null. */
    StaticJob pending;
    long frames;

    Camera(int width, int height, int phase) {
      this.phase = phase;
      this.width = width;
      this.height = height;
      pixels = new BytePointer((long) width * height * 3);
      frame = new Mat(height, width, CV_8UC3, pixels);
      half = new Size(width / 2, height / 2);
    }

    @Override
    public void close() {
      for (Mat m : new Mat[] {frame, small, mask, labels, stats, centroids}) {
        m.close();
      }
      half.close();
      pixels.close();
      background.close();
    }
  }

  /** The people in {@code frame}, updating its camera's background model. */
  List<PersonBox> detect(PoseFrame frame) {
    Camera cam = cameras.get(frame.cameraId());
    if (cam != null && (cam.width != frame.width() || cam.height != frame.height())) {
      resetCamera(frame.cameraId());
      cam = null;
    }
    if (cam == null) {
      cam = new Camera(frame.width(), frame.height(), staticEvery == 0 ? 0 : cameras.size() % staticEvery);
      cameras.put(frame.cameraId(), cam);
    }
    // The one copy: the Java array into the camera's native frame buffer that OpenCV reads.
    cam.pixels.position(0).put(frame.bgr(), 0, frame.bgr().length);
    opencv_imgproc.resize(cam.frame, cam.small, cam.half, 0, 0, INTER_AREA);
    cam.background.apply(cam.small, cam.mask, -1);
    cam.frames++;
    if (cam.frames < WARM_UP_FRAMES) {
      return List.of();
    }
    // 255 = foreground, 127 = shadow: keep the foreground only.
    opencv_imgproc.threshold(cam.mask, cam.mask, 200, 255, THRESH_BINARY);
    opencv_imgproc.morphologyEx(cam.mask, cam.mask, MORPH_OPEN, openKernel);
    opencv_imgproc.morphologyEx(cam.mask, cam.mask, MORPH_CLOSE, closeKernel);
    int n = opencv_imgproc.connectedComponentsWithStats(cam.mask, cam.labels, cam.stats, cam.centroids);
    IntPointer s = new IntPointer(cam.stats.data());
    int cols = cam.stats.cols();
    List<PersonBox> people = new ArrayList<>();
    for (int i = 1; i < n; i++) {
      int x = 2 * s.get((long) i * cols + CC_STAT_LEFT);
      int y = 2 * s.get((long) i * cols + CC_STAT_TOP);
      int w = 2 * s.get((long) i * cols + CC_STAT_WIDTH);
      int h = 2 * s.get((long) i * cols + CC_STAT_HEIGHT);
      int area = 4 * s.get((long) i * cols + CC_STAT_AREA);
      if (h < minHeight || area < 0.2f * w * h || w < minHeight / 6) {
        continue;
      }
      if (w > SPLIT_ASPECT * h) {
        List<PersonBox> split = hogInside(cam, x, y, w, h);
        if (split.size() >= 2) {
          people.addAll(split);
          continue;
        }
        if (w > 2.5f * h) {
          continue; // a flat band (a moving shadow, a lighting change), no person shape
        }
      }
      people.add(new PersonBox(x, y, w, h));
    }
    return staticEvery == 0 ? people : withStatic(cam, people);
  }

  /**
   * Adds the people standing still. On a camera's HOG frames a copy of the frame goes to the worker
   * for HOG over the whole frame (unless the camera's previous job is still in flight). On the frame
   * its result is applied (the HOG frame itself with {@code waitForStatic}, else exactly
   * {@link #STATIC_LAG_FRAMES} frames later, waiting for the worker if it is late, so that the output
   * depends only on the frames): a motion blob holding the centers of two or more HOG people is replaced by them
   * (only if the result is at most {@code staticEvery} frames old), and the HOG people that no motion
   * box overlaps become the camera's static people. On the other frames the static people are
   * reported as they were, less any that a motion box now overlaps (the person moved).
   */
  private List<PersonBox> withStatic(Camera cam, List<PersonBox> moving) {
    // A result is applied exactly applyLag frames after its HOG frame (waiting if the worker is late), so
    // the detections depend only on the frames, not on timing: the job and a replay agree.
    StaticJob job = null;
    if (cam.pending != null && cam.frames - cam.pending.frame() >= applyLag) {
      job = cam.pending;
      cam.pending = null; // applied below, so this frame may hand over the next one
    }
    if (cam.pending == null && (cam.frames - cam.phase) % staticEvery == 0) {
      cam.pending = submitHog(cam);
      if (applyLag == 0) {
        job = cam.pending;
        cam.pending = null;
      }
    }
    if (job != null) {
      List<PersonBox> hogPeople = await(job);
      // Walkers move: split merged blobs only with a recent result; static people stand still.
      boolean recent = cam.frames - job.frame() <= staticEvery;
      List<PersonBox> out = new ArrayList<>();
      for (PersonBox m : moving) {
        if (!recent) {
          out.add(m);
          continue;
        }
        List<PersonBox> inside = new ArrayList<>();
        for (PersonBox p : hogPeople) {
          if (contains(m, p.centerX(), p.centerY())) {
            inside.add(p);
          }
        }
        if (inside.size() >= 2) {
          out.addAll(inside);
        } else {
          out.add(m);
        }
      }
      List<PersonBox> statics = new ArrayList<>();
      for (PersonBox p : hogPeople) {
        if (!overlapsAny(p, out)) {
          statics.add(p);
        }
      }
      cam.statics = statics;
      out.addAll(statics);
      return out;
    }
    List<PersonBox> statics = new ArrayList<>(cam.statics.size());
    for (PersonBox p : cam.statics) {
      if (!overlapsAny(p, moving)) {
        statics.add(p);
      }
    }
    cam.statics = statics;
    if (statics.isEmpty()) {
      return moving;
    }
    List<PersonBox> out = new ArrayList<>(moving);
    out.addAll(statics);
    return out;
  }

  private static boolean contains(PersonBox b, float x, float y) {
    return x >= b.x() && x <= b.x() + b.width() && y >= b.y() && y <= b.y() + b.height();
  }

  /** Whether a motion box in {@code boxes} is the same person as {@code p} (IoU, or p's center inside it). */
  private static boolean overlapsAny(PersonBox p, List<PersonBox> boxes) {
    for (PersonBox b : boxes) {
      if (p.iou(b) >= SAME_PERSON_IOU || contains(b, p.centerX(), p.centerY())) {
        return true;
      }
    }
    return false;
  }

  /** Hands a copy of the camera's frame to the worker for {@link #hogFrame}. */
  private StaticJob submitHog(Camera cam) {
    Mat copy = cam.frame.clone(); // the worker's own; the camera's frame is overwritten next frame
    int width = cam.width;
    int height = cam.height;
    try {
      return new StaticJob(cam.frames, staticWorker.submit(() -> {
        try {
          return hogFrame(copy, width, height);
        } finally {
          copy.close();
        }
      }));
    } catch (RuntimeException e) {
      copy.close();
      throw e;
    }
  }

  /** The HOG people of a job, waiting for it if need be. */
  private static List<PersonBox> await(StaticJob job) {
    try {
      return job.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for the static-person pass", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("static-person pass failed", e.getCause());
    }
  }

  /**
   * HOG people over the whole frame upscaled {@link #STATIC_SCALE} times (about 200 ms for 768x576).
   * Runs on the worker thread, with its own HOG and buffers only.
   */
  private List<PersonBox> hogFrame(Mat frame, int width, int height) {
    List<PersonBox> out = new ArrayList<>();
    try (Size upSize = new Size(Math.round(width * STATIC_SCALE), Math.round(height * STATIC_SCALE));
        Size stride = new Size(8, 8);
        RectVector found = new RectVector()) {
      opencv_imgproc.resize(frame, staticUp, upSize, 0, 0, INTER_LINEAR);
      staticHog.detectMultiScale(staticUp, found, 0, stride, stride, 1.1, 2, false);
      for (long i = 0; i < found.size(); i++) {
        Rect r = found.get(i);
        out.add(trimmed(r, STATIC_SCALE, 0, 0));
      }
    }
    return withoutSpanning(out);
  }

  /** Whether a static-pass HOG job of the camera is in flight or done and not yet applied (for tests). */
  boolean staticPending(String cameraId) {
    Camera cam = cameras.get(cameraId);
    return cam != null && cam.pending != null;
  }

  /** Drops HOG windows that hold the centers of two or more other windows (one window over two people). */
  private static List<PersonBox> withoutSpanning(List<PersonBox> boxes) {
    List<PersonBox> out = new ArrayList<>(boxes.size());
    for (PersonBox b : boxes) {
      int inside = 0;
      for (PersonBox o : boxes) {
        if (o != b && o.area() < b.area() && contains(b, o.centerX(), o.centerY())) {
          inside++;
        }
      }
      if (inside < 2) {
        out.add(b);
      }
    }
    return out;
  }

  /** A HOG window (in a patch at {@code (x0, y0)} scaled {@code scale}) trimmed to the person: half its width, 0.1-0.9 of its height. */
  private static PersonBox trimmed(Rect r, float scale, int x0, int y0) {
    float rw = r.width() / scale;
    float rh = r.height() / scale;
    return new PersonBox(x0 + r.x() / scale + rw * 0.25f, y0 + r.y() / scale + rh * 0.1f, rw * 0.5f, rh * 0.8f);
  }

  /** HOG people inside a blob, on a patch upscaled so that the blob's people are HOG-sized. */
  private List<PersonBox> hogInside(Camera cam, int x, int y, int w, int h) {
    int pad = Math.max(16, h / 4);
    int x0 = Math.max(0, x - pad);
    int y0 = Math.max(0, y - pad);
    int x1 = Math.min(cam.width, x + w + pad);
    int y1 = Math.min(cam.height, y + h + pad);
    float scale = Math.max(1f, Math.min(3f, HOG_PERSON_HEIGHT / Math.min(h, 1.2f * w)));
    scale = Math.max(scale, 128f / Math.max(1, Math.min(x1 - x0, y1 - y0)) * 1.05f);
    List<PersonBox> out = new ArrayList<>();
    try (Rect roi = new Rect(x0, y0, x1 - x0, y1 - y0);
        Mat patch = new Mat(cam.frame, roi);
        Mat up = new Mat();
        Size upSize = new Size(Math.round((x1 - x0) * scale), Math.round((y1 - y0) * scale));
        RectVector found = new RectVector()) {
      opencv_imgproc.resize(patch, up, upSize, 0, 0, INTER_LINEAR);
      if (up.cols() < 64 || up.rows() < 128) {
        return out;
      }
      hog.detectMultiScale(up, found, 0, hogStride, hogStride, 1.05, 2, false);
      for (long i = 0; i < found.size(); i++) {
        out.add(trimmed(found.get(i), scale, x0, y0));
      }
    }
    return out;
  }

  /** Forgets a camera's background model. */
  void resetCamera(String cameraId) {
    Camera cam = cameras.remove(cameraId);
    if (cam != null) {
      cam.close();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Camera cam : cameras.values()) {
      cam.close();
    }
    cameras.clear();
    boolean workerDone = true;
    if (staticWorker != null) {
      staticWorker.shutdown(); // jobs already handed over still run, and free their frame copies
      try {
        workerDone = staticWorker.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        workerDone = false;
      }
      if (workerDone) {
        staticHog.close();
        staticUp.close();
      } else {
        staticWorker.shutdownNow(); // its HOG and buffer are left to the GC rather than freed under it
      }
    }
    hog.close();
    hogWeights.close();
    openKernel.close();
    closeKernel.close();
    hogStride.close();
  }
}
