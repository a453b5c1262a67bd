package io.vibstream.local.bench;

import io.vibstream.connectors.video.VideoFrame;
import io.vibstream.model.backbone.FeatureExtractor;
import io.vibstream.model.backbone.FeatureExtractors;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A backbone alone, one thread: frames/s over 256 rendered synthetic frames (after a warm-up on 64
 * of them), with the backbone's id and dimension, which a model for it must name.
 */
public record BackboneThroughput(String id, int dimension, double framesPerSecond) {
  /** Measures the backbone {@code spec} on frames of {@code size} in batches of {@code batch}. */
  public static BackboneThroughput measure(String spec, String size, int batch) throws Exception {
    List<BufferedImage> images = SyntheticFrames.render("bench", 3, size, 256).stream().map(VideoFrame::image)
        .toList();
    try (FeatureExtractor extractor = FeatureExtractors.open(spec)) {
      extractor.extract(images.subList(0, 64), batch); // warm-up
      long t0 = System.nanoTime();
      extractor.extract(images, batch);
      return new BackboneThroughput(extractor.id(), extractor.dimension(),
          images.size() / ((System.nanoTime() - t0) / 1e9));
    }
  }
}
