package io.vibstream.model.pose;

import java.nio.file.Path;
import org.bytedeco.javacpp.FloatPointer;

/**
 * MediaPipe's BlazePose landmark model (lite or full) on square person crops: input
 * {@code [1, 256, 256, 3]} RGB in [0, 1]; outputs 39 points x (x, y, z, visibility, presence) in
 * crop pixels, the first 33 BlazePose's landmarks, and the pose presence in [0, 1].
 */
final class BlazePoseLandmarker implements AutoCloseable {
  private static final int POINTS = 39;
  private static final int VALUES = 5;

  private final TfLiteModel model;
  private final int size;
  private final int landmarkOutput;
  private final int presenceOutput;
  private final float[] input;
  private final float[] raw = new float[POINTS * VALUES];

  BlazePoseLandmarker(Path modelFile) {
    model = new TfLiteModel(modelFile);
    try {
      int[] in = model.inputShape(0);
      if (in.length != 4 || in[1] != in[2] || in[3] != 3) {
        throw new IllegalStateException("unexpected landmark input shape " + java.util.Arrays.toString(in));
      }
      size = in[1];
      input = new float[size * size * 3];
      int landmarks = -1;
      int presence = -1;
      for (int i = 0; i < 5; i++) {
        int[] s = model.outputShape(i);
        if (s.length == 2 && s[1] == POINTS * VALUES) {
          landmarks = i;
        } else if (s.length == 2 && s[1] == 1) {
          presence = i;
        }
      }
      if (landmarks < 0 || presence < 0) {
        throw new IllegalStateException("landmark model outputs not found in " + modelFile);
      }
      landmarkOutput = landmarks;
      presenceOutput = presence;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The input side in pixels (256). */
  int size() {
    return size;
  }

  /** The landmarks of the person in {@code crop} of {@code frame}, in frame pixels. */
  BlazePoseLandmarks run(PoseFrame frame, PersonCrop crop) {
    crop.fill(frame, size, input, 0);
    model.input(0).put(input);
    model.invoke();
    FloatPointer out = model.output(landmarkOutput);
    out.get(raw);
    float presence = model.output(presenceOutput).get(0);
    float[] x = new float[BlazePoseLandmarks.COUNT];
    float[] y = new float[BlazePoseLandmarks.COUNT];
    float[] v = new float[BlazePoseLandmarks.COUNT];
    for (int i = 0; i < BlazePoseLandmarks.COUNT; i++) {
      x[i] = crop.frameX(raw[i * VALUES], size);
      y[i] = crop.frameY(raw[i * VALUES + 1], size);
      v[i] = sigmoid(raw[i * VALUES + 3]);
    }
    return new BlazePoseLandmarks(x, y, v, presence);
  }

  private static float sigmoid(float z) {
    return (float) (1 / (1 + Math.exp(-z)));
  }

  @Override
  public void close() {
    model.close();
  }
}
