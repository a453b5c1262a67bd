package io.vibstream.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.JobID;

/** A bench's reads of a local job's REST API: operator metrics aggregated over subtasks, checkpoint stats. */
public final class JobRest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI rest;
  private final JobID job;

  public JobRest(LocalFlink flink, JobID job) throws Exception {
    this.rest = flink.restAddress();
    this.job = job;
  }

  /**
   * The {@code metrics} (comma-separated, e.g. {@code pose.poseMs_median}) of the first vertex whose
   * name contains {@code vertex}, aggregated over its subtasks (min, max, avg, sum), by metric id;
   * empty when the vertex or the metrics are not (yet) there. The endpoint answers from a cache
   * that its first request only starts to fill, hence up to 10 tries 0.5 s apart.
   */
  public Map<String, JsonNode> subtaskMetrics(String vertex, String metrics) throws Exception {
    String id = null;
    for (JsonNode v : get("/jobs/" + job).path("vertices")) {
      if (id == null && v.path("name").asText().contains(vertex)) {
        id = v.path("id").asText();
      }
    }
    Map<String, JsonNode> out = new HashMap<>();
    for (int attempt = 0; id != null && out.isEmpty() && attempt < 10; attempt++) {
      for (JsonNode m : get("/jobs/" + job + "/vertices/" + id + "/subtasks/metrics?get=" + metrics)) {
        out.put(m.path("id").asText(), m);
      }
      if (out.isEmpty()) {
        Thread.sleep(500);
      }
    }
    return out;
  }

  /** Whether every vertex of the job reports all its tasks running. */
  public boolean allTasksRunning() throws Exception {
    JsonNode vertices = get("/jobs/" + job).path("vertices");
    for (JsonNode v : vertices) {
      if (!"RUNNING".equals(v.path("status").asText())) {
        return false;
      }
    }
    return vertices.size() > 0;
  }

  /** The job's checkpoint statistics ({@code /jobs/:id/checkpoints}). */
  public JsonNode checkpoints() throws Exception {
    return get("/jobs/" + job + "/checkpoints");
  }

  private JsonNode get(String path) throws Exception {
    return JSON.readTree(http.send(HttpRequest.newBuilder(rest.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  /** {@code node.field} formatted, or "n/a" when absent. */
  public static String stat(JsonNode node, String field, String format) {
    return node == null || !node.path(field).isNumber() ? "n/a" : String.format(Locale.ROOT, format,
        node.path(field).asDouble());
  }

  /** {@code node.field}, or NaN when absent. */
  public static double value(JsonNode node, String field) {
    return node == null || !node.path(field).isNumber() ? Double.NaN : node.path(field).asDouble();
  }
}
