package io.vibstream.model.backbone;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The common part of the extractors: one DJL {@link Model} and one {@link Predictor}. Each
 * {@link #extract} call is one {@code predict}, whose arrays live in the predictor's per-call
 * context manager and are freed when it returns.
 */
abstract class DjlExtractor implements FeatureExtractor {
  private final Model model;
  private final Predictor<float[], float[][]> predictor;
  private final Preprocessing preprocessing;
  private final String id;
  private final int dimension;
  private boolean closed;

  DjlExtractor(Model model, Preprocessing preprocessing, String id, int dimension) {
    this.model = model;
    this.preprocessing = preprocessing;
    this.id = id;
    this.predictor = model.newPredictor(new Translator(preprocessing));
    try {
      this.dimension = dimension > 0 ? dimension : probeDimension();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** GPU 0 if the named engine sees a GPU, else the CPU. */
  static Device device(String engine) {
    return Engine.getEngine(engine).getGpuCount() > 0 ? Device.gpu() : Device.cpu();
  }

  /** The tensor translator every extractor uses. */
  private static Translator translator(Preprocessing preprocessing) {
    return new Translator(preprocessing);
  }

  /** A model file loaded through Criteria, with its preprocessing and id. */
  record LoadedFile(ZooModel<float[], float[][]> model, Preprocessing preprocessing, String id) {}

  /**
   * Loads a model file and the {@code .json} beside it on {@code engine} (the GPU if it sees one):
   * the one loading path of the file-based extractors. Id: {@code PREFIX:NAME:SHA12}.
   *
   * @param kind the format's name in error messages
   * @throws BackboneException if either file is missing or invalid
   */
  static LoadedFile loadFile(Path file, String idPrefix, String engine, String kind) {
    FeatureExtractors.requireFile(file);
    Preprocessing.Described described = Preprocessing.read(FeatureExtractors.sidecar(file));
    String id = idPrefix + ":" + FeatureExtractors.name(file, described.id()) + ":" + FeatureExtractors.sha12(file);
    Criteria<float[], float[][]> criteria = Criteria.builder()
        .setTypes(float[].class, float[][].class)
        .optModelPath(file.toAbsolutePath())
        .optEngine(engine)
        .optDevice(device(engine))
        .optTranslator(translator(described.preprocessing()))
        .build();
    try {
      return new LoadedFile(criteria.loadModel(), described.preprocessing(), id);
    } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
      throw new BackboneException(file + ": not a loadable " + kind + " model: " + BackboneException.firstLine(e), e);
    }
  }

  private int probeDimension() {
    BufferedImage blank = new BufferedImage(preprocessing.width(), preprocessing.height(), BufferedImage.TYPE_INT_RGB);
    float[][] out = extract(List.of(blank));
    if (out[0].length == 0) {
      throw new BackboneException(id + ": the model's output is empty");
    }
    return out[0].length;
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final int dimension() {
    return dimension;
  }

  @Override
  public final int inputWidth() {
    return preprocessing.width();
  }

  @Override
  public final int inputHeight() {
    return preprocessing.height();
  }

  /** The preprocessing this extractor applies. */
  public final Preprocessing preprocessing() {
    return preprocessing;
  }

  /** The device the model runs on. */
  public final Device device() {
    return model.getNDManager().getDevice();
  }

  @Override
  public final float[][] extract(List<BufferedImage> frames) {
    if (closed) {
      throw new IllegalStateException("extractor is closed");
    }
    if (frames.isEmpty()) {
      return new float[0][];
    }
    float[][] out;
    try {
      out = predictor.predict(preprocessing.toTensor(frames));
    } catch (TranslateException | RuntimeException e) {
      throw new BackboneException(id + ": inference failed: " + BackboneException.firstLine(e), e);
    }
    if (out.length != frames.size()) {
      throw new BackboneException(id + ": the model returned " + out.length + " rows for " + frames.size()
          + " frames");
    }
    return out;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      predictor.close();
      model.close();
    }
  }

  /** Lower-case hex SHA-256 of a file, streamed. */
  static String sha256Hex(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Normalized pixels in, the first output flattened per frame out. */
  static final class Translator implements NoBatchifyTranslator<float[], float[][]> {
    private final Preprocessing preprocessing;

    Translator(Preprocessing preprocessing) {
      this.preprocessing = preprocessing;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[] pixels) {
      int n = pixels.length / preprocessing.frameSize();
      return new NDList(ctx.getNDManager().create(pixels, new Shape(preprocessing.shape(n))));
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
      NDArray y = list.get(0);
      long n = y.getShape().dimension() == 0 ? 1 : y.getShape().get(0);
      float[] flat = y.getDataType() == DataType.FLOAT32 ? y.toFloatArray() : y.toType(DataType.FLOAT32, false)
          .toFloatArray();
      int d = (int) (flat.length / Math.max(1, n));
      float[][] out = new float[(int) n][d];
      for (int i = 0; i < n; i++) {
        System.arraycopy(flat, i * d, out[i], 0, d);
      }
      return out;
    }
  }
}
