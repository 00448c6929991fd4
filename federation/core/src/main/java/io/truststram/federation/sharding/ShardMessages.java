package io.truststram.federation.sharding;

import io.truststram.federation.strategy.ClientUpdate;
import io.truststram.ml.safetensors.DType;
import io.truststram.ml.safetensors.InvalidSafeTensorsException;
import io.truststram.ml.safetensors.SafeTensors;
import io.truststram.ml.safetensors.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The messages between a coordinator and its aggregation shards, each one safetensors file: the
 * vectors as tensors (float32 parameters, float64 server state, each state array as a tensor named
 * {@code state.<name>}) and the scalars as metadata strings. Readers are strict: a message missing
 * a field, with a malformed number or a tensor of the wrong length is refused with an {@link
 * InvalidShardMessageException}.
 */
public final class ShardMessages {

  /** The media type of every message body. */
  public static final String MEDIA_TYPE = "application/vnd.safetensors";

  private static final String PARAMETERS = "parameters";
  private static final String GLOBAL = "global";
  private static final String STATE = "state.";
  private static final String PARAMETER = "parameter.";
  private static final String METRIC = "metric.";
  private static final long MAX_HEADER_BYTES = 1 << 20;

  private ShardMessages() {}

  /**
   * Opens a session that folds range {@code range} of round {@code round}.
   *
   * @param session chosen by the coordinator, unique per round attempt
   * @param group what the session belongs to (a federation): a shard keeps one session per group,
   *     so a new round's session replaces an abandoned one
   * @param strategy the strategy's registry name, with {@code parameters} its configuration
   * @param total how many parameters the whole model has
   * @param global this range of the global model the round starts from
   * @param state this range of each server-state array
   */
  public record Begin(
      UUID session,
      String group,
      int round,
      String strategy,
      Map<String, String> parameters,
      ParameterRange range,
      int total,
      float[] global,
      Map<String, double[]> state) {

    public Begin {
      parameters = Map.copyOf(parameters);
      state = Map.copyOf(state);
      if (range.to() > total) {
        throw new IllegalArgumentException("range " + range + " beyond a model of " + total);
      }
      requireLength("global", global.length, range.length());
      state.forEach((name, values) -> requireLength(STATE + name, values.length, range.length()));
    }
  }

  /** The {@code sequence}-th update of a session (counting from 1), cut to the session's range. */
  public record Fold(UUID session, long sequence, ClientUpdate update) {}

  /** What a session's round made of its range: the next global model and server state. */
  public record Result(int accepted, float[] parameters, Map<String, double[]> state) {

    public Result {
      state = Map.copyOf(state);
      for (var entry : state.entrySet()) {
        requireLength(STATE + entry.getKey(), entry.getValue().length, parameters.length);
      }
    }
  }

  public static void write(Begin begin, OutputStream out) throws IOException {
    Map<String, String> metadata = new TreeMap<>();
    metadata.put("session", begin.session().toString());
    metadata.put("group", begin.group());
    metadata.put("round", Integer.toString(begin.round()));
    metadata.put("strategy", begin.strategy());
    metadata.put("from", Integer.toString(begin.range().from()));
    metadata.put("to", Integer.toString(begin.range().to()));
    metadata.put("total", Integer.toString(begin.total()));
    begin.parameters().forEach((name, value) -> metadata.put(PARAMETER + name, value));
    List<Tensor> tensors = new ArrayList<>();
    tensors.add(floats(GLOBAL, begin.global()));
    begin.state().forEach((name, values) -> tensors.add(doubles(STATE + name, values)));
    SafeTensors.write(out, tensors, metadata);
  }

  /**
   * Reads a {@link Begin} whose vectors hold at most {@code maxParameters} values each.
   *
   * @throws InvalidShardMessageException when it is not one
   */
  public static Begin readBegin(InputStream in, int maxParameters) throws IOException {
    SafeTensors.Contents contents = read(in, maxParameters, 16);
    Map<String, String> metadata = contents.metadata();
    int from = integer(metadata, "from", 0, maxParameters);
    int to = integer(metadata, "to", from, maxParameters);
    int total = integer(metadata, "total", to, Integer.MAX_VALUE);
    Map<String, String> parameters = new TreeMap<>();
    metadata.forEach(
        (name, value) -> {
          if (name.startsWith(PARAMETER)) {
            parameters.put(name.substring(PARAMETER.length()), value);
          }
        });
    float[] global = null;
    Map<String, double[]> state = new TreeMap<>();
    for (var entry : contents.tensors().entrySet()) {
      String name = entry.getKey();
      if (name.equals(GLOBAL)) {
        global = toFloats(entry.getValue());
      } else if (name.startsWith(STATE)) {
        state.put(name.substring(STATE.length()), toDoubles(entry.getValue()));
      } else {
        throw new InvalidShardMessageException("unexpected tensor '" + name + "'");
      }
    }
    if (global == null) {
      throw new InvalidShardMessageException("no 'global' tensor");
    }
    try {
      return new Begin(
          uuid(metadata, "session"),
          text(metadata, "group"),
          integer(metadata, "round", 0, Integer.MAX_VALUE),
          text(metadata, "strategy"),
          parameters,
          new ParameterRange(from, to),
          total,
          global,
          state);
    } catch (IllegalArgumentException e) {
      throw new InvalidShardMessageException(e.getMessage());
    }
  }

  public static void write(Fold fold, OutputStream out) throws IOException {
    ClientUpdate update = fold.update();
    Map<String, String> metadata = new TreeMap<>();
    metadata.put("session", fold.session().toString());
    metadata.put("sequence", Long.toString(fold.sequence()));
    metadata.put("client", update.clientId());
    metadata.put("examples", Long.toString(update.examples()));
    metadata.put("steps", Integer.toString(update.localSteps()));
    metadata.put("base-version", Long.toString(update.baseVersion()));
    update.metrics().forEach((name, value) -> metadata.put(METRIC + name, Double.toString(value)));
    SafeTensors.write(out, List.of(floats(PARAMETERS, update.parameters())), metadata);
  }

  /**
   * Reads a {@link Fold} of at most {@code maxParameters} values.
   *
   * @throws InvalidShardMessageException when it is not one
   */
  public static Fold readFold(InputStream in, int maxParameters) throws IOException {
    SafeTensors.Contents contents = read(in, maxParameters, 1);
    if (!contents.tensors().keySet().equals(Set.of(PARAMETERS))) {
      throw new InvalidShardMessageException(
          "a fold holds one tensor, 'parameters', not " + contents.tensors().keySet());
    }
    Map<String, String> metadata = contents.metadata();
    Map<String, Double> metrics = new TreeMap<>();
    metadata.forEach(
        (name, value) -> {
          if (name.startsWith(METRIC)) {
            metrics.put(name.substring(METRIC.length()), number(name, value));
          }
        });
    ClientUpdate update =
        new ClientUpdate(
            text(metadata, "client"),
            toFloats(contents.tensor(PARAMETERS)),
            longValue(metadata, "examples", 0, Long.MAX_VALUE),
            integer(metadata, "steps", 0, Integer.MAX_VALUE),
            longValue(metadata, "base-version", 0, Long.MAX_VALUE),
            metrics);
    return new Fold(
        uuid(metadata, "session"), longValue(metadata, "sequence", 1, Long.MAX_VALUE), update);
  }

  public static void write(Result result, OutputStream out) throws IOException {
    List<Tensor> tensors = new ArrayList<>();
    tensors.add(floats(PARAMETERS, result.parameters()));
    result.state().forEach((name, values) -> tensors.add(doubles(STATE + name, values)));
    SafeTensors.write(out, tensors, Map.of("accepted", Integer.toString(result.accepted())));
  }

  /**
   * Reads a {@link Result} of exactly {@code length} parameters.
   *
   * @throws InvalidShardMessageException when it is not one
   */
  public static Result readResult(InputStream in, int length) throws IOException {
    SafeTensors.Contents contents = read(in, length, 16);
    float[] parameters = null;
    Map<String, double[]> state = new TreeMap<>();
    for (var entry : contents.tensors().entrySet()) {
      String name = entry.getKey();
      if (name.equals(PARAMETERS)) {
        parameters = toFloats(entry.getValue());
      } else if (name.startsWith(STATE)) {
        state.put(name.substring(STATE.length()), toDoubles(entry.getValue()));
      } else {
        throw new InvalidShardMessageException("unexpected tensor '" + name + "'");
      }
    }
    if (parameters == null || parameters.length != length) {
      throw new InvalidShardMessageException("the result must hold " + length + " parameters");
    }
    try {
      return new Result(
          integer(contents.metadata(), "accepted", 0, Integer.MAX_VALUE), parameters, state);
    } catch (IllegalArgumentException e) {
      throw new InvalidShardMessageException(e.getMessage());
    }
  }

  private static SafeTensors.Contents read(InputStream in, int maxParameters, int vectors)
      throws IOException {
    try {
      return SafeTensors.read(
          in,
          new SafeTensors.Limits(
              MAX_HEADER_BYTES, (long) Math.max(1, maxParameters) * Double.BYTES * vectors));
    } catch (InvalidSafeTensorsException e) {
      throw new InvalidShardMessageException("not a valid safetensors message: " + e.getMessage());
    }
  }

  private static Tensor floats(String name, float[] values) {
    return Tensor.ofFloats(name, new long[] {values.length}, values);
  }

  private static Tensor doubles(String name, double[] values) {
    ByteBuffer bytes =
        ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asDoubleBuffer().put(values);
    return Tensor.ofBytes(name, DType.F64, new long[] {values.length}, bytes.array());
  }

  private static float[] toFloats(Tensor tensor) {
    if (tensor.dtype() != DType.F32 || tensor.shape().length != 1) {
      throw new InvalidShardMessageException(
          "tensor '" + tensor.name() + "' must be a float32 vector");
    }
    return tensor.toFloats();
  }

  private static double[] toDoubles(Tensor tensor) {
    if (tensor.dtype() != DType.F64 || tensor.shape().length != 1) {
      throw new InvalidShardMessageException(
          "tensor '" + tensor.name() + "' must be a float64 vector");
    }
    double[] values = new double[(int) tensor.elementCount()];
    ByteBuffer.wrap(tensor.toBytes()).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(values);
    return values;
  }

  private static void requireLength(String name, int length, int expected) {
    if (length != expected) {
      throw new IllegalArgumentException(
          "'" + name + "' holds " + length + " values; the range holds " + expected);
    }
  }

  private static String text(Map<String, String> metadata, String name) {
    String value = metadata.get(name);
    if (value == null || value.isBlank()) {
      throw new InvalidShardMessageException("metadata '" + name + "' is missing");
    }
    return value;
  }

  private static UUID uuid(Map<String, String> metadata, String name) {
    try {
      return UUID.fromString(text(metadata, name));
    } catch (IllegalArgumentException e) {
      throw new InvalidShardMessageException("metadata '" + name + "' is not a UUID");
    }
  }

  private static int integer(Map<String, String> metadata, String name, int min, int max) {
    return (int) longValue(metadata, name, min, max);
  }

  private static long longValue(Map<String, String> metadata, String name, long min, long max) {
    String value = text(metadata, name);
    try {
      long parsed = Long.parseLong(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidShardMessageException(
        "metadata '" + name + "' must be an integer in [" + min + ", " + max + "]: " + value);
  }

  private static double number(String name, String value) {
    try {
      double parsed = Double.parseDouble(value);
      if (Double.isFinite(parsed)) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidShardMessageException("metadata '" + name + "' is not a finite number");
  }
}
