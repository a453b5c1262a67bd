package io.vibstream.connectors.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The released versions of each record schema, numbered from 1: the wire version byte of
 * {@link AvroSerializer} and the writer schemas {@link AvroDeserializer} resolves old data
 * with. {@link #classpath()} reads the committed copies {@code NAME.vN.avsc} that the schemas
 * jar carries under {@code io/vibstream/schemas/compat/}.
 *
 * <p>A compiled schema's version is the released version with the same Parsing Canonical
 * Form, or one past the newest release for an unreleased change.
 */
public final class SchemaHistory {
  /** Highest version a one-byte prefix can carry. */
  public static final int MAX_VERSION = 255;
  private static final String RESOURCE_DIR = "io/vibstream/schemas/compat/";
  private static final SchemaHistory CLASSPATH = new SchemaHistory(SchemaHistory::fromClasspath);

  private final BiFunction<String, Integer, Schema> lookup;
  private final Map<String, List<Schema>> releases = new ConcurrentHashMap<>();
  private final Map<Schema, Integer> versions = new ConcurrentHashMap<>();

  private SchemaHistory(BiFunction<String, Integer, Schema> lookup) {
    this.lookup = lookup;
  }

  /** The committed versions on the class path. */
  public static SchemaHistory classpath() {
    return CLASSPATH;
  }

  /** Explicit history: {@code releases.get(name).get(i)} is version i + 1 of that record. */
  public static SchemaHistory of(Map<String, List<Schema>> releases) {
    return new SchemaHistory((name, v) -> {
      List<Schema> list = releases.get(name);
      return list != null && v >= 1 && v <= list.size() ? list.get(v - 1) : null;
    });
  }

  /** Released versions of a record (simple name), oldest first. */
  public List<Schema> releases(String name) {
    return releases.computeIfAbsent(name, n -> {
      List<Schema> list = new ArrayList<>();
      for (int v = 1; v <= MAX_VERSION; v++) {
        Schema s = lookup.apply(n, v);
        if (s == null) {
          break;
        }
        list.add(s);
      }
      return List.copyOf(list);
    });
  }

  /** The version of version {@code version} of a record, if released. */
  public Optional<Schema> release(String name, int version) {
    List<Schema> list = releases(name);
    return version >= 1 && version <= list.size() ? Optional.of(list.get(version - 1)) : Optional.empty();
  }

  /** The version number a compiled schema is written with. */
  public int versionOf(Schema schema) {
    return versions.computeIfAbsent(schema, s -> {
      List<Schema> list = releases(s.getName());
      String form = SchemaNormalization.toParsingForm(s);
      for (int i = list.size() - 1; i >= 0; i--) {
        if (SchemaNormalization.toParsingForm(list.get(i)).equals(form)) {
          return i + 1;
        }
      }
      if (list.size() + 1 > MAX_VERSION) {
        throw new IllegalStateException(s.getName() + " has more than " + MAX_VERSION + " versions");
      }
      return list.size() + 1;
    });
  }

  private static Schema fromClasspath(String name, int version) {
    String resource = RESOURCE_DIR + name + ".v" + version + ".avsc";
    ClassLoader loader = SchemaHistory.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null ? null : new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
