package io.truststram.explain.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.truststram.explain.Model;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An ONNX model run by ONNX Runtime, as a black box to explain. For tabular explanations the model
 * takes one float (or double) tensor of shape [N, features] and gives an output of shape [N,
 * outputs] or [N] (chosen by name, or the first such); rows go through in batches. For attention
 * explanations, {@link #attentions} runs it once on given inputs and collects the outputs that hold
 * attention weights. Safe to use from several threads (ONNX Runtime sessions are).
 */
public final class OnnxModel implements Model, AutoCloseable {

  /** Rows per run. */
  static final int BATCH = 1_024;

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final String input;
  private final OnnxJavaType inputType;
  private final String output;
  private final int features;
  private final int outputs;
  private final boolean fixedBatchOfOne;

  private OnnxModel(OrtSession session, @Nullable String outputName, boolean tabular)
      throws OrtException {
    this.environment = OrtEnvironment.getEnvironment();
    this.session = session;
    if (!tabular) {
      this.input = "";
      this.inputType = OnnxJavaType.FLOAT;
      this.output = "";
      this.features = 0;
      this.outputs = 0;
      this.fixedBatchOfOne = false;
      return;
    }
    Map<String, NodeInfo> inputs = session.getInputInfo();
    if (inputs.size() != 1) {
      throw new IllegalArgumentException(
          "a tabular ONNX model takes one input tensor [rows, features]; this one takes "
              + inputs.keySet());
    }
    NodeInfo in = inputs.values().iterator().next();
    if (!(in.getInfo() instanceof TensorInfo inInfo)
        || inInfo.getShape().length != 2
        || inInfo.getShape()[1] < 1
        || (inInfo.type != OnnxJavaType.FLOAT && inInfo.type != OnnxJavaType.DOUBLE)) {
      throw new IllegalArgumentException(
          "the ONNX model's input '"
              + in.getName()
              + "' is not a float tensor [rows, features] with a fixed number of features: "
              + in.getInfo());
    }
    this.input = in.getName();
    this.inputType = inInfo.type;
    this.features = Math.toIntExact(inInfo.getShape()[1]);
    this.fixedBatchOfOne = inInfo.getShape()[0] == 1;
    String chosen = null;
    for (Map.Entry<String, NodeInfo> entry : session.getOutputInfo().entrySet()) {
      boolean named = outputName == null || entry.getKey().equals(outputName);
      if (named
          && entry.getValue().getInfo() instanceof TensorInfo t
          && (t.type == OnnxJavaType.FLOAT || t.type == OnnxJavaType.DOUBLE)
          && (t.getShape().length == 1 || t.getShape().length == 2)) {
        chosen = entry.getKey();
        break;
      }
    }
    if (chosen == null) {
      throw new IllegalArgumentException(
          outputName == null
              ? "the ONNX model has no float output [rows] or [rows, outputs]; its outputs are "
                  + session.getOutputInfo().keySet()
              : "the ONNX model has no float output '"
                  + outputName
                  + "' of shape [rows] or [rows, outputs]; its outputs are "
                  + session.getOutputInfo().keySet());
    }
    this.output = chosen;
    this.outputs = run(new double[][] {new double[features]})[0].length;
  }

  /**
   * A tabular model from an ONNX file's bytes, predicting with the output {@code outputName} (or
   * the first float output of rank 1 or 2 when null).
   *
   * @throws IllegalArgumentException when the bytes are not an ONNX model ONNX Runtime can load, or
   *     its input or outputs are not tabular
   */
  public static OnnxModel tabular(byte[] bytes, @Nullable String outputName) {
    return open(bytes, outputName, true);
  }

  /**
   * A model to run on named inputs (a transformer, for {@link #attentions}).
   *
   * @throws IllegalArgumentException when the bytes are not an ONNX model ONNX Runtime can load
   */
  public static OnnxModel general(byte[] bytes) {
    return open(bytes, null, false);
  }

  private static OnnxModel open(byte[] bytes, @Nullable String outputName, boolean tabular) {
    OrtSession session;
    try {
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      session = OrtEnvironment.getEnvironment().createSession(bytes, options);
    } catch (OrtException e) {
      throw new IllegalArgumentException("ONNX Runtime cannot load the model: " + e.getMessage());
    }
    try {
      return new OnnxModel(session, outputName, tabular);
    } catch (OrtException | RuntimeException e) {
      try {
        session.close();
      } catch (OrtException ignored) {
        // the first failure is the one to report
      }
      if (e instanceof IllegalArgumentException illegal) {
        throw illegal;
      }
      throw new IllegalArgumentException("ONNX Runtime cannot run the model: " + e.getMessage());
    }
  }

  /** The name of the output explained. */
  public String outputName() {
    return output;
  }

  @Override
  public int features() {
    return features;
  }

  @Override
  public int outputs() {
    return outputs;
  }

  @Override
  public void predict(double[][] rows, double[][] out) {
    int step = fixedBatchOfOne ? 1 : BATCH;
    for (int from = 0; from < rows.length; from += step) {
      int to = Math.min(rows.length, from + step);
      double[][] batch = java.util.Arrays.copyOfRange(rows, from, to);
      double[][] predicted = run(batch);
      for (int r = 0; r < predicted.length; r++) {
        System.arraycopy(
            predicted[r], 0, out[from + r], 0, outputs == 0 ? predicted[r].length : outputs);
      }
    }
  }

  private double[][] run(double[][] rows) {
    int n = rows.length;
    long[] shape = {n, features};
    try (OnnxTensor tensor = tensor(rows, shape);
        OrtSession.Result result = session.run(Map.of(input, tensor))) {
      OnnxValue value =
          result.get(output).orElseThrow(() -> new IllegalStateException("no output " + output));
      OnnxTensor t = (OnnxTensor) value;
      long[] outShape = t.getInfo().getShape();
      double[] flat = flat(t);
      int k = outShape.length == 1 ? 1 : Math.toIntExact(outShape[1]);
      if (outShape[0] != n || flat.length != (long) n * k) {
        throw new IllegalArgumentException(
            "the ONNX model's output '"
                + output
                + "' has shape "
                + java.util.Arrays.toString(outShape)
                + " for "
                + n
                + " rows");
      }
      double[][] out = new double[n][k];
      for (int r = 0; r < n; r++) {
        System.arraycopy(flat, r * k, out[r], 0, k);
      }
      return out;
    } catch (OrtException e) {
      throw new IllegalArgumentException("ONNX Runtime failed on the rows: " + e.getMessage());
    }
  }

  private OnnxTensor tensor(double[][] rows, long[] shape) throws OrtException {
    int m = features;
    for (double[] row : rows) {
      if (row.length != m) {
        throw new IllegalArgumentException("a row has " + row.length + " values, not " + m);
      }
    }
    if (inputType == OnnxJavaType.DOUBLE) {
      DoubleBuffer buffer = DoubleBuffer.allocate(rows.length * m);
      for (double[] row : rows) {
        buffer.put(row);
      }
      buffer.flip();
      return OnnxTensor.createTensor(environment, buffer, shape);
    }
    FloatBuffer buffer = FloatBuffer.allocate(rows.length * m);
    for (double[] row : rows) {
      for (double v : row) {
        buffer.put((float) v);
      }
    }
    buffer.flip();
    return OnnxTensor.createTensor(environment, buffer, shape);
  }

  private static double[] flat(OnnxTensor t) {
    return switch (t.getInfo().type) {
      case FLOAT -> {
        FloatBuffer b = t.getFloatBuffer();
        double[] out = new double[b.remaining()];
        for (int i = 0; i < out.length; i++) {
          out[i] = b.get(i);
        }
        yield out;
      }
      case DOUBLE -> {
        DoubleBuffer b = t.getDoubleBuffer();
        double[] out = new double[b.remaining()];
        b.get(out);
        yield out;
      }
      default ->
          throw new IllegalArgumentException(
              "the ONNX output is of type " + t.getInfo().type + ", not float or double");
    };
  }

  /**
   * One named input: its shape and row-major values (converted to the type the model declares:
   * float, double, int64 or int32).
   */
  public record Input(long[] shape, double[] values) {

    /**
     * The input {@code name} given as nested lists of numbers (as JSON arrays read into Java): its
     * shape is the nesting, its values the leaves in order.
     *
     * @throws IllegalArgumentException for an empty dimension, ragged arrays, or a leaf that is not
     *     a finite number
     */
    public static Input nested(String name, @Nullable Object value) {
      List<Long> shape = new ArrayList<>();
      Object at = value;
      while (at instanceof List<?> list) {
        if (list.isEmpty()) {
          throw new IllegalArgumentException("'" + name + "' has an empty dimension");
        }
        shape.add((long) list.size());
        at = list.getFirst();
      }
      List<Double> values = new ArrayList<>();
      flatten(name, value, 0, shape, values);
      return new Input(
          shape.stream().mapToLong(Long::longValue).toArray(),
          values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static void flatten(
        String name, @Nullable Object node, int depth, List<Long> shape, List<Double> out) {
      if (depth == shape.size()) {
        if (!(node instanceof Number number) || !Double.isFinite(number.doubleValue())) {
          throw new IllegalArgumentException(
              "'" + name + "' holds something that is not a finite number");
        }
        out.add(number.doubleValue());
        return;
      }
      if (!(node instanceof List<?> list) || list.size() != shape.get(depth)) {
        throw new IllegalArgumentException("'" + name + "' is ragged: its arrays differ in length");
      }
      for (Object child : list) {
        flatten(name, child, depth + 1, shape, out);
      }
    }

    public Input {
      long count = 1;
      for (long d : shape) {
        if (d < 1) {
          throw new IllegalArgumentException("input dimensions are positive");
        }
        count *= d;
      }
      if (count != values.length) {
        throw new IllegalArgumentException(
            values.length + " input values for a shape of " + count + " elements");
      }
    }
  }

  /**
   * Runs the model on {@code inputs} and gathers its attention weights: every output whose name
   * contains {@code pattern} (case-insensitive; "attention" by default), in the model's order, each
   * one layer of shape [heads, n, n] (or [1, heads, n, n], or [n, n] for one head), or a single
   * output [layers, 1, heads, n, n] holding them all.
   *
   * @return {@code [layer][head][query][key]}
   * @throws IllegalArgumentException for inputs the model does not declare or lacks, or no output
   *     of attention
   */
  public double[][][][] attentions(Map<String, Input> inputs, @Nullable String pattern) {
    String match = (pattern == null ? "attention" : pattern).toLowerCase(Locale.ROOT);
    Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    try {
      Map<String, NodeInfo> declared = session.getInputInfo();
      for (String name : inputs.keySet()) {
        if (!declared.containsKey(name)) {
          throw new IllegalArgumentException(
              "the ONNX model has no input '" + name + "'; it takes " + declared.keySet());
        }
      }
      for (Map.Entry<String, NodeInfo> entry : declared.entrySet()) {
        Input given = inputs.get(entry.getKey());
        if (given == null) {
          throw new IllegalArgumentException(
              "the ONNX model's input '" + entry.getKey() + "' is not given");
        }
        OnnxJavaType type =
            entry.getValue().getInfo() instanceof TensorInfo t ? t.type : OnnxJavaType.FLOAT;
        tensors.put(entry.getKey(), typed(given, type));
      }
      List<String> names = new ArrayList<>();
      for (String name : session.getOutputNames()) {
        if (name.toLowerCase(Locale.ROOT).contains(match)) {
          names.add(name);
        }
      }
      if (names.isEmpty()) {
        throw new IllegalArgumentException(
            "no output of the ONNX model is named like '"
                + match
                + "'; its outputs are "
                + session.getOutputNames());
      }
      try (OrtSession.Result result = session.run(tensors, new java.util.LinkedHashSet<>(names))) {
        List<double[][][]> layers = new ArrayList<>();
        for (String name : names) {
          OnnxTensor t = (OnnxTensor) result.get(name).orElseThrow();
          long[] shape = t.getInfo().getShape();
          double[] flat = flat(t);
          if (shape.length == 5) {
            if (shape[1] != 1) {
              throw new IllegalArgumentException("attention of a batch of one, please");
            }
            int per = Math.toIntExact(shape[2] * shape[3] * shape[4]);
            for (int l = 0; l < shape[0]; l++) {
              layers.add(
                  heads(
                      java.util.Arrays.copyOfRange(flat, l * per, (l + 1) * per),
                      new long[] {shape[2], shape[3], shape[4]},
                      name));
            }
          } else {
            layers.add(heads(flat, shape, name));
          }
        }
        return layers.toArray(double[][][][]::new);
      }
    } catch (OrtException e) {
      throw new IllegalArgumentException("ONNX Runtime failed on the inputs: " + e.getMessage());
    } finally {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

  private static double[][][] heads(double[] flat, long[] shape, String name) {
    long[] s = shape;
    if (s.length == 4 && s[0] == 1) {
      s = new long[] {s[1], s[2], s[3]};
    } else if (s.length == 2) {
      s = new long[] {1, s[0], s[1]};
    }
    if (s.length != 3 || s[1] != s[2]) {
      throw new IllegalArgumentException(
          "the output '"
              + name
              + "' of shape "
              + java.util.Arrays.toString(shape)
              + " is not attention [heads, n, n]");
    }
    int h = Math.toIntExact(s[0]);
    int n = Math.toIntExact(s[1]);
    double[][][] out = new double[h][n][n];
    for (int i = 0; i < h; i++) {
      for (int r = 0; r < n; r++) {
        System.arraycopy(flat, (i * n + r) * n, out[i][r], 0, n);
      }
    }
    return out;
  }

  private OnnxTensor typed(Input input, OnnxJavaType type) throws OrtException {
    double[] v = input.values();
    return switch (type) {
      case INT64 -> {
        LongBuffer b = LongBuffer.allocate(v.length);
        for (double x : v) {
          b.put((long) x);
        }
        yield OnnxTensor.createTensor(environment, b.flip(), input.shape());
      }
      case INT32 -> {
        IntBuffer b = IntBuffer.allocate(v.length);
        for (double x : v) {
          b.put((int) x);
        }
        yield OnnxTensor.createTensor(environment, b.flip(), input.shape());
      }
      case DOUBLE -> OnnxTensor.createTensor(environment, DoubleBuffer.wrap(v), input.shape());
      default -> {
        FloatBuffer b = FloatBuffer.allocate(v.length);
        for (double x : v) {
          b.put((float) x);
        }
        yield OnnxTensor.createTensor(environment, b.flip(), input.shape());
      }
    };
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("closing the ONNX session failed", e);
    }
  }
}
