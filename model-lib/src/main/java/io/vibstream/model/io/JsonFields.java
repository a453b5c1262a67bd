package io.vibstream.model.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed, validating access to the fields of one JSON object, for file formats that are mapped by
 * hand. Every failure is a {@link FormatException} naming the field by its path, e.g.
 * {@code missing field 'backbone.dimension'}. Unknown fields are ignored, so newer writers may
 * add fields; duplicate fields and trailing content are rejected.
 *
 * <p>The formats read this way come from disk or the network, so parsing is bounded before the
 * parser allocates: a document of more than {@value #MAX_DOCUMENT_BYTES} bytes, nested deeper
 * than {@value #MAX_DEPTH} levels, or holding a string or field name longer than
 * {@value #MAX_STRING_CHARS} characters or a number longer than {@value #MAX_NUMBER_CHARS} is a
 * {@link FormatException} (none of the project's formats comes near these limits).
 */
public final class JsonFields {
  /** The longest document {@link #parse} reads, in bytes (64 MiB). */
  public static final int MAX_DOCUMENT_BYTES = 64 << 20;
  /** The deepest nesting of objects and arrays {@link #parse} reads. */
  public static final int MAX_DEPTH = 64;
  /** The longest string or field name {@link #parse} reads, in characters (1 Mi). */
  public static final int MAX_STRING_CHARS = 1 << 20;
  /** The longest number {@link #parse} reads, in characters. */
  public static final int MAX_NUMBER_CHARS = 100;
  private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxDocumentLength(MAX_DOCUMENT_BYTES)
              .maxNestingDepth(MAX_DEPTH)
              .maxStringLength(MAX_STRING_CHARS)
              .maxNameLength(MAX_STRING_CHARS)
              .maxNumberLength(MAX_NUMBER_CHARS)
              .build())
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final int MAX_SHOWN = 40;

  private final JsonNode node;
  private final String path;

  private JsonFields(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /**
   * Parses {@code length} bytes of JSON (UTF-8) at {@code offset}; the document must be an object.
   *
   * @param what names the document in messages, e.g. "manifest JSON" gives "malformed manifest JSON: ..."
   */
  public static JsonFields parse(byte[] bytes, int offset, int length, String what) {
    if (length > MAX_DOCUMENT_BYTES) {
      throw new FormatException(what + " of " + length + " bytes is longer than the " + MAX_DOCUMENT_BYTES
          + " bytes this reader accepts");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes, offset, length);
    } catch (JsonProcessingException e) {
      throw new FormatException("malformed " + what + ": " + describe(e), e);
    } catch (IOException e) {
      throw new FormatException("malformed " + what + ": " + oneLine(e.getMessage()), e);
    }
    if (root == null || !root.isObject()) {
      throw new FormatException("malformed " + what + ": the document is not a JSON object");
    }
    return new JsonFields(root, "");
  }

  /** Compact UTF-8 JSON of {@code node}. */
  public static byte[] toBytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Indented UTF-8 JSON of {@code node}, for files people read. */
  public static byte[] toPrettyBytes(JsonNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Names of this object's fields, in document order. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** Whether the field is present and not {@code null}. */
  public boolean has(String name) {
    JsonNode value = node.get(name);
    return value != null && !value.isNull();
  }

  /** A required object field. */
  public JsonFields object(String name) {
    JsonNode value = require(name);
    if (!value.isObject()) {
      throw wrongType(qualify(name), "an object", value);
    }
    return new JsonFields(value, qualify(name));
  }

  /** A required array of objects. */
  public List<JsonFields> objects(String name) {
    List<JsonFields> out = new ArrayList<>();
    JsonNode array = array(name);
    for (int i = 0; i < array.size(); i++) {
      String where = qualify(name) + "[" + i + "]";
      if (!array.get(i).isObject()) {
        throw wrongType(where, "an object", array.get(i));
      }
      out.add(new JsonFields(array.get(i), where));
    }
    return out;
  }

  /** A required string field. */
  public String string(String name) {
    return asString(require(name), qualify(name));
  }

  /** A string field that may be absent or {@code null} (then {@code null} is returned). */
  public String optionalString(String name) {
    return has(name) ? string(name) : null;
  }

  /** A required integer field within the range of {@code int}. */
  public int integer(String name) {
    return asInt(require(name), qualify(name));
  }

  /** A required integer field within the range of {@code long}. */
  public long longInteger(String name) {
    return asLong(require(name), qualify(name));
  }

  /** A {@code long} field that may be absent or {@code null} (then {@code null} is returned). */
  public Long optionalLong(String name) {
    return has(name) ? longInteger(name) : null;
  }

  /** A required finite number. */
  public double number(String name) {
    return asDouble(require(name), qualify(name));
  }

  /** A required array of strings. */
  public List<String> strings(String name) {
    JsonNode array = array(name);
    List<String> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(asString(array.get(i), qualify(name) + "[" + i + "]"));
    }
    return out;
  }

  /** A required array of {@code int} values. */
  public int[] integers(String name) {
    JsonNode array = array(name);
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = asInt(array.get(i), qualify(name) + "[" + i + "]");
    }
    return out;
  }

  /** A required array of {@code long} values. */
  public long[] longs(String name) {
    JsonNode array = array(name);
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = asLong(array.get(i), qualify(name) + "[" + i + "]");
    }
    return out;
  }

  /** A required array of finite numbers. */
  public double[] doubles(String name) {
    JsonNode array = array(name);
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = asDouble(array.get(i), qualify(name) + "[" + i + "]");
    }
    return out;
  }

  /** A required object whose values are all finite numbers, in document order. */
  public Map<String, Double> numbers(String name) {
    JsonFields object = object(name);
    Map<String, Double> out = new LinkedHashMap<>();
    for (String key : object.names()) {
      out.put(key, asDouble(object.node.get(key), object.qualify(key)));
    }
    return Collections.unmodifiableMap(out);
  }

  /** A required object whose values are all strings, in document order. */
  public Map<String, String> stringMap(String name) {
    JsonFields object = object(name);
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : object.names()) {
      out.put(key, asString(object.node.get(key), object.qualify(key)));
    }
    return Collections.unmodifiableMap(out);
  }

  private JsonNode require(String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      throw new FormatException("missing field '" + qualify(name) + "'");
    }
    return value;
  }

  private JsonNode array(String name) {
    JsonNode value = require(name);
    if (!value.isArray()) {
      throw wrongType(qualify(name), "an array", value);
    }
    return value;
  }

  private String qualify(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static String asString(JsonNode value, String where) {
    if (!value.isTextual()) {
      throw wrongType(where, "a string", value);
    }
    return value.textValue();
  }

  private static int asInt(JsonNode value, String where) {
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw wrongType(where, "an integer (32-bit)", value);
    }
    return value.intValue();
  }

  private static long asLong(JsonNode value, String where) {
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw wrongType(where, "an integer (64-bit)", value);
    }
    return value.longValue();
  }

  private static double asDouble(JsonNode value, String where) {
    if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
      throw wrongType(where, "a finite number", value);
    }
    return value.doubleValue();
  }

  private static FormatException wrongType(String where, String expected, JsonNode found) {
    String shown = found.isArray() ? "an array of " + found.size() + " elements" : found.isObject() ? "an object of "
        + found.size() + " fields" : found.toString();
    if (shown.length() > MAX_SHOWN) {
      shown = shown.substring(0, MAX_SHOWN) + "...";
    }
    return new FormatException("field '" + where + "' must be " + expected + ", found " + shown);
  }

  private static String describe(JsonProcessingException e) {
    String message = oneLine(e.getOriginalMessage());
    JsonLocation at = e.getLocation();
    return at == null ? message : message + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }

  private static String oneLine(String message) {
    return message == null ? "unreadable content" : message.replaceAll("\\s+", " ").trim();
  }
}
