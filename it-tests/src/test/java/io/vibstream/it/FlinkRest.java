package io.vibstream.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The few calls of Flink's REST API that {@code flink run} and a job's operator make. */
final class FlinkRest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  FlinkRest(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    return ok(r, "GET " + path);
  }

  /** GET, or null when the server does not answer (yet). */
  JsonNode tryGet(String path) throws InterruptedException {
    try {
      return get(path);
    } catch (IOException e) {
      return null;
    }
  }

  /** POST /jars/upload (multipart, field jarfile); returns the jar id. */
  String upload(Path jar) throws IOException, InterruptedException {
    String boundary = "----vibstream-it-" + UUID.randomUUID();
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
        + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
        .timeout(Duration.ofMinutes(3))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
            HttpRequest.BodyPublishers.ofFile(jar), HttpRequest.BodyPublishers.ofByteArray(tail)))
        .build();
    JsonNode body = ok(http.send(request, HttpResponse.BodyHandlers.ofString()), "POST /jars/upload");
    String file = body.path("filename").asText();
    if (!"success".equals(body.path("status").asText()) || file.isEmpty()) {
      throw new IOException("jar upload failed: " + body);
    }
    return Path.of(file).getFileName().toString();
  }

  /** POST /jars/:id/run with the program arguments; returns the job id. */
  String run(String jarId, List<String> programArgs, int parallelism) throws IOException, InterruptedException {
    String payload = JSON.writeValueAsString(Map.of("programArgsList", programArgs, "parallelism", parallelism));
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/jars/" + jarId + "/run"))
        .timeout(Duration.ofMinutes(3))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(payload))
        .build();
    JsonNode body = ok(http.send(request, HttpResponse.BodyHandlers.ofString()), "POST /jars/" + jarId + "/run");
    String job = body.path("jobid").asText();
    if (job.isEmpty()) {
      throw new IOException("no job id in " + body);
    }
    return job;
  }

  /** PATCH /jobs/:id?mode=cancel. */
  void cancel(String jobId) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel"))
        .timeout(Duration.ofSeconds(10))
        .method("PATCH", HttpRequest.BodyPublishers.noBody())
        .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("cancel " + jobId + ": HTTP " + r.statusCode() + " " + r.body());
    }
  }

  /** The job's status and whether every vertex's tasks are all RUNNING, e.g. "RUNNING/all". */
  JobState job(String jobId) throws InterruptedException {
    JsonNode job = tryGet("/jobs/" + jobId);
    if (job == null) {
      return new JobState("UNREACHABLE", false);
    }
    boolean all = job.path("vertices").size() > 0;
    for (JsonNode v : job.path("vertices")) {
      all &= "RUNNING".equals(v.path("status").asText());
    }
    return new JobState(job.path("state").asText(), all);
  }

  /** A job's state as the REST API reports it. */
  record JobState(String state, boolean allTasksRunning) {
    boolean fullyRunning() {
      return "RUNNING".equals(state) && allTasksRunning;
    }
  }

  private static JsonNode ok(HttpResponse<String> r, String what) throws IOException {
    if (r.statusCode() / 100 != 2) {
      throw new IOException(what + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
