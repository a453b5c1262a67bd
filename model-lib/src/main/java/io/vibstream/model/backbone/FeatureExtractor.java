package io.vibstream.model.backbone;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A CNN backbone that turns video frames into feature vectors. Each instance holds one model and
 * one DJL predictor; it is not thread-safe (use one per thread or Flink subtask) and must be
 * closed. Frames of any size are resized to {@link #inputWidth()} x {@link #inputHeight()}.
 */
public interface FeatureExtractor extends AutoCloseable {
  /** Identifies the backbone and its weights, e.g. {@code builtin-cnn-v1:3fa2c81b09d4}. */
  String id();

  /** Length of each feature vector. */
  int dimension();

  /** Width in pixels the model reads. */
  int inputWidth();

  /** Height in pixels the model reads. */
  int inputHeight();

  /**
   * Runs the whole list as one batch: one feature vector of {@link #dimension()} values per frame,
   * in order. The batch's native memory is freed before this returns. An empty list gives an
   * empty result.
   */
  float[][] extract(List<BufferedImage> frames);

  /** Runs {@code frames} in batches of at most {@code batchSize}; same result as one big batch. */
  default float[][] extract(List<BufferedImage> frames, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    List<float[]> out = new ArrayList<>(frames.size());
    for (int start = 0; start < frames.size(); start += batchSize) {
      out.addAll(List.of(extract(frames.subList(start, Math.min(frames.size(), start + batchSize)))));
    }
    return out.toArray(new float[0][]);
  }

  /** Frees the model and predictor. */
  @Override
  void close();
}
