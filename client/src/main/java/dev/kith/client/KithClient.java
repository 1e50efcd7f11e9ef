package dev.kith.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A blocking client of a running kith server: JSON requests, JSON or NDJSON answers, and the server's error
 * answers turned into {@link ApiException}s that carry its code and message.
 */
public final class KithClient {
    private final URI endpoint;
    private final String key;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    /** A client of the server at {@code endpoint} (e.g. {@code http://127.0.0.1:8443}); {@code key} may be null. */
    public KithClient(String endpoint, String key) {
        String e = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.endpoint = URI.create(e);
        this.key = key;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** An error answer of the server: its HTTP status, code and message. */
    public static final class ApiException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String code;

        ApiException(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** POSTs a JSON body and returns the JSON answer. */
    public JsonNode post(String path, JsonNode body) {
        return post(path, bytes(body), "application/json");
    }

    /** POSTs raw bytes of the given content type and returns the JSON answer. */
    public JsonNode post(String path, byte[] body, String contentType) {
        HttpResponse<byte[]> r = send(request(path, body, contentType), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode n = parse(r.body());
        if (r.statusCode() != 200) throw error(r.statusCode(), n);
        return n;
    }

    /** POSTs a JSON body and hands each {@code result} of the NDJSON answer to {@code sink}. */
    public void stream(String path, JsonNode body, Consumer<JsonNode> sink) {
        HttpResponse<java.io.InputStream> r =
                send(request(path, bytes(body), "application/json"), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            if (r.statusCode() != 200) {
                throw error(
                        r.statusCode(),
                        parse(in.lines().reduce("", String::concat).getBytes(StandardCharsets.UTF_8)));
            }
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode n = mapper.readTree(line);
                if (n.has("error")) throw error(200, n.get("error"));
                sink.accept(n.get("result"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the answer of " + path + " failed: " + e.getMessage(), e);
        }
    }

    private HttpRequest request(String path, byte[] body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve(path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null && !key.isEmpty()) b.header("Authorization", "Bearer " + key);
        return b.build();
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot reach kith at " + endpoint + ": "
                            + (e.getMessage() == null ? e.toString() : e.getMessage()),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
    }

    private byte[] bytes(JsonNode body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (IOException e) {
            return mapper.createObjectNode().put("message", new String(body, StandardCharsets.UTF_8));
        }
    }

    private static ApiException error(int status, JsonNode n) {
        return new ApiException(
                status,
                n.path("code").asText("HTTP_" + status),
                n.path("message").asText("HTTP " + status));
    }
}
