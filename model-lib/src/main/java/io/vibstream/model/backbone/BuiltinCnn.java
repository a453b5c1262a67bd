package io.vibstream.model.backbone;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;

/**
 * The project's own small CNN backbone, defined in DJL: per entry of {@code channels} a block
 * conv 3x3 (padding 1) - batch norm - ReLU - max pool 2x2, then global average pooling. The
 * feature vector is the pooled output, of dimension {@code channels[last]} (96 by default). For
 * training, a linear classifier head is put on top ({@link #withHead}). Input: NCHW RGB, square,
 * at least {@code 2^channels.length} pixels wide.
 */
public final class BuiltinCnn {
  /** Default channel widths: 16, 32, 64, 96, giving 96 features. */
  public static final int[] DEFAULT_CHANNELS = {16, 32, 64, 96};
  /** Default input size in pixels (square). */
  public static final int DEFAULT_SIZE = 64;

  private BuiltinCnn() {}

  /** The feature network: frames [N, 3, S, S] to features [N, channels[last]]. */
  public static SequentialBlock features(int[] channels) {
    checkChannels(channels);
    SequentialBlock net = new SequentialBlock();
    for (int c : channels) {
      net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(c).build())
          .add(BatchNorm.builder().build())
          .add(Activation.reluBlock())
          .add(Pool.maxPool2dBlock(new Shape(2, 2)));
    }
    net.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock());
    return net;
  }

  /** {@code features} followed by a linear layer to {@code classes} logits. */
  public static SequentialBlock withHead(SequentialBlock features, int classes) {
    if (classes < 1) {
      throw new IllegalArgumentException("classes must be >= 1, got " + classes);
    }
    return new SequentialBlock().add(features).add(Linear.builder().setUnits(classes).build());
  }

  /** Smallest input size the network accepts for these channels. */
  public static int minimumSize(int[] channels) {
    return 1 << channels.length;
  }

  static void checkChannels(int[] channels) {
    if (channels.length == 0 || channels.length > 8 || Arrays.stream(channels).anyMatch(c -> c < 1 || c > 4096)) {
      throw new IllegalArgumentException("channels must be 1 to 8 widths in [1, 4096], got "
          + Arrays.toString(channels));
    }
  }
}
