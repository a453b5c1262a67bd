package io.vibstream.model.backbone;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;

/**
 * The project's own small CNN backbones, defined in DJL.
 *
 * <p><b>Appearance network</b> ({@code keypointJoints = 0}): per entry of {@code channels} a block
 * conv 3x3 (padding 1) - batch norm - ReLU - max pool 2x2, then global average pooling. The
 * feature vector is the pooled output, of dimension {@code channels[last]}.
 *
 * <p><b>Pose network</b> ({@code keypointJoints = K > 0}): per entry of {@code channels} a block
 * conv 3x3 - batch norm - ReLU; the first {@link #POSE_POOLS} blocks end with a max pool 2x2 (an
 * output stride of 4), the later ones are dilated 1, 2, 4, 4, ... to widen the receptive field
 * without losing resolution. A 1x1 conv gives one heatmap per joint, and a spatial soft-argmax
 * ({@link SoftArgmax}) turns each heatmap into the joint's expected position and a confidence. The
 * feature vector is {@code x0, y0, x1, y1, ..., x(K-1), y(K-1), c0, ..., c(K-1)}: positions in
 * normalized image units (0 to 1, x right, y down), then the heatmaps' peak probabilities;
 * dimension {@code 3K}. Being translation-equivariant up to the soft-argmax, it keeps where every
 * joint is, so a sequence of feature vectors carries the body's motion.
 *
 * <p>For training, a linear classifier head is put on top ({@link #withHead}). Input: NCHW RGB,
 * square, at least {@link #minimumSize} pixels wide.
 */
public final class BuiltinCnn {
  /** Default channel widths of the appearance network: 16, 32, 64, 96, giving 96 features. */
  public static final int[] DEFAULT_CHANNELS = {16, 32, 64, 96};
  /** Default channel widths of the pose network: two pooled blocks, then three dilated ones. */
  public static final int[] DEFAULT_POSE_CHANNELS = {16, 32, 64, 64, 64};
  /** Default input size in pixels (square). */
  public static final int DEFAULT_SIZE = 64;
  /** Blocks of the pose network that end with a 2x2 max pool. */
  public static final int POSE_POOLS = 2;

  private BuiltinCnn() {}

  /** The appearance network: frames [N, 3, S, S] to features [N, channels[last]]. */
  public static SequentialBlock features(int[] channels) {
    return features(channels, 0);
  }

  /**
   * The appearance network if {@code keypointJoints} is 0, else the pose network of that many
   * joints: frames [N, 3, S, S] to features [N, {@link #dimension}].
   */
  public static SequentialBlock features(int[] channels, int keypointJoints) {
    checkChannels(channels);
    checkJoints(keypointJoints);
    SequentialBlock net = new SequentialBlock();
    if (keypointJoints == 0) {
      for (int c : channels) {
        net.add(conv(c, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
            .add(Pool.maxPool2dBlock(new Shape(2, 2)));
      }
      return net.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock());
    }
    for (int b = 0; b < channels.length; b++) {
      int dilation = b < POSE_POOLS ? 1 : 1 << Math.min(b - POSE_POOLS, 2);
      net.add(conv(channels[b], dilation)).add(BatchNorm.builder().build()).add(Activation.reluBlock());
      if (b < POSE_POOLS) {
        net.add(Pool.maxPool2dBlock(new Shape(2, 2)));
      }
    }
    return net.add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(keypointJoints).build())
        .add(new LambdaBlock(list -> new NDList(SoftArgmax.apply(list.singletonOrThrow())), "soft-argmax"));
  }

  /** Feature dimension: {@code channels[last]} for the appearance network, {@code 3K} for the pose network. */
  public static int dimension(int[] channels, int keypointJoints) {
    return keypointJoints == 0 ? channels[channels.length - 1] : 3 * keypointJoints;
  }

  private static Conv2d conv(int filters, int dilation) {
    return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(dilation, dilation))
        .optDilation(new Shape(dilation, dilation)).setFilters(filters).build();
  }

  /** {@code features} followed by a linear layer to {@code classes} logits. */
  public static SequentialBlock withHead(SequentialBlock features, int classes) {
    if (classes < 1) {
      throw new IllegalArgumentException("classes must be >= 1, got " + classes);
    }
    return new SequentialBlock().add(features).add(Linear.builder().setUnits(classes).build());
  }

  /** Smallest input size the appearance network accepts for these channels. */
  public static int minimumSize(int[] channels) {
    return minimumSize(channels, 0);
  }

  /** Smallest input size the network accepts: {@code 2^blocks}, or 8 for the pose network. */
  public static int minimumSize(int[] channels, int keypointJoints) {
    return keypointJoints == 0 ? 1 << channels.length : 2 << POSE_POOLS;
  }

  /**
   * Number of weights of {@link #withHead}({@link #features}(channels, keypointJoints), classes):
   * every DJL parameter, the batch-norm running statistics included. Computed without building the
   * network, so that a file's weights can be checked against it before any is allocated.
   */
  public static long parameterCount(int[] channels, int keypointJoints, int classes) {
    checkChannels(channels);
    checkJoints(keypointJoints);
    long count = 0;
    long in = 3;
    for (int out : channels) {
      // 3x3 convolution weight and bias, then batch-norm gamma, beta, running mean and variance
      count += in * out * 9 + out + 4L * out;
      in = out;
    }
    if (keypointJoints > 0) {
      // 1x1 convolution to one heatmap per joint; soft-argmax turns each into (x, y, confidence)
      count += in * keypointJoints + keypointJoints;
      in = 3L * keypointJoints;
    }
    return count + in * classes + classes;
  }

  static void checkJoints(int keypointJoints) {
    if (keypointJoints < 0 || keypointJoints > 1024) {
      throw new IllegalArgumentException("keypoint joints must be in [0, 1024], got " + keypointJoints);
    }
  }

  static void checkChannels(int[] channels) {
    if (channels.length == 0 || channels.length > 8 || Arrays.stream(channels).anyMatch(c -> c < 1 || c > 4096)) {
      throw new IllegalArgumentException("channels must be 1 to 8 widths in [1, 4096], got "
          + Arrays.toString(channels));
    }
  }
}
