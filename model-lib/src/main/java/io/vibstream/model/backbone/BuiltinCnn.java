package io.vibstream.model.backbone;

import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;
import java.util.List;

/**
 * The project's own small CNN backbone, defined in DJL: per entry of {@code channels} a block
 * conv 3x3 (padding 1) - batch norm - ReLU - max pool 2x2, then global average pooling. The
 * feature vector is the pooled output, of dimension {@code channels[last]} (96 by default). For
 * training, a linear classifier head is put on top ({@link #withHead}). Input: NCHW RGB, square,
 * at least {@code 2^channels.length} pixels wide.
 *
 * <p>With {@code keypointJoints K > 0} ({@link #features(int[], int)}) the feature vector is the
 * pooled output concatenated with a spatial keypoint branch read from the last conv map before
 * pooling: conv 1x1 to {@link #KEYPOINT_CHANNELS} channels - batch norm - ReLU - flatten - linear
 * to {@code 2K} values (the regressed keypoints). Dimension {@code channels[last] + 2K}. Unlike
 * the pooled vector, the branch keeps where things are in the frame.
 */
public final class BuiltinCnn {
  /** Default channel widths: 16, 32, 64, 96, giving 96 features. */
  public static final int[] DEFAULT_CHANNELS = {16, 32, 64, 96};
  /** Default input size in pixels (square). */
  public static final int DEFAULT_SIZE = 64;

  private BuiltinCnn() {}

  /** Channels of the keypoint branch's 1x1 conv. */
  public static final int KEYPOINT_CHANNELS = 16;

  /** The feature network: frames [N, 3, S, S] to features [N, channels[last]]. */
  public static SequentialBlock features(int[] channels) {
    return features(channels, 0);
  }

  /**
   * The feature network with a spatial keypoint branch of {@code keypointJoints} joints (none if
   * 0): frames [N, 3, S, S] to features [N, channels[last] + 2 * keypointJoints], the keypoints last.
   */
  public static SequentialBlock features(int[] channels, int keypointJoints) {
    checkChannels(channels);
    if (keypointJoints < 0 || keypointJoints > 1024) {
      throw new IllegalArgumentException("keypoint joints must be in [0, 1024], got " + keypointJoints);
    }
    SequentialBlock net = new SequentialBlock();
    for (int c : channels) {
      net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(c).build())
          .add(BatchNorm.builder().build())
          .add(Activation.reluBlock())
          .add(Pool.maxPool2dBlock(new Shape(2, 2)));
    }
    SequentialBlock pooled = new SequentialBlock().add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock());
    if (keypointJoints == 0) {
      return net.add(pooled);
    }
    SequentialBlock keypoints = new SequentialBlock()
        .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(KEYPOINT_CHANNELS).build())
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(2L * keypointJoints).build());
    return net.add(new ParallelBlock(
        outputs -> new NDList(NDArrays.concat(new NDList(outputs.get(0).singletonOrThrow(),
            outputs.get(1).singletonOrThrow()), 1)),
        List.<Block>of(pooled, keypoints)));
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
