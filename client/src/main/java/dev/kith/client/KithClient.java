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
 * answers (a {@code google.rpc.Status} in JSON, as SpiceDB's HTTP gateway writes it, also as a stream's last
 * {@code {"error": …}} line) turned into {@link ApiException}s that carry its codes, reason and message.
 */
public final class KithClient {
    private final URI endpoint;
    private final String key;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    /**
     * A client of the server at {@code endpoint}.
     *
     * @param endpoint the server's base URL, such as {@code http://127.0.0.1:8443}
     * @param key the preshared key sent as {@code Authorization: Bearer KEY}, or null for none
     */
    public KithClient(String endpoint, String key) {
        String e = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.endpoint = URI.create(e);
        this.key = key;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * An error answer of the server: its HTTP status, gRPC code number, kith's error code (its ErrorInfo metadata
     * {@code code}), SpiceDB's {@code ERROR_REASON_…} and message.
     */
    public static final class ApiException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        /** The HTTP status of the answer. */
        private final int status;

        /** The gRPC status code number, or -1. */
        private final int grpcCode;

        /** kith's error code. */
        private final String code;

        /** SpiceDB's reason, or null. */
        private final String reason;

        ApiException(int status, int grpcCode, String code, String reason, String message) {
            super(message, null, false, false);
            this.status = status;
            this.grpcCode = grpcCode;
            this.code = code;
            this.reason = reason;
        }

        /**
         * The HTTP status of the answer (200 for an error line that ended a stream).
         *
         * @return the HTTP status of the answer (200 for an error line that ended a stream)
         */
        public int status() {
            return status;
        }

        /**
         * The gRPC status code number of the error (-1 when the answer was not a Status).
         *
         * @return the gRPC status code number of the error (-1 when the answer was not a Status)
         */
        public int grpcCode() {
            return grpcCode;
        }

        /**
         * kith's error code, such as {@code UNKNOWN_NAME}; without one (an unknown path, say) the gRPC code's name,
         * or {@code HTTP_<status>} when the answer was not a Status at all.
         *
         * @return the error code
         */
        public String code() {
            return code;
        }

        /**
         * The name of the error's gRPC status code, such as {@code INVALID_ARGUMENT}; {@link #code()} when the answer
         * was not a Status.
         *
         * @return the code's name
         */
        public String grpcCodeName() {
            return grpcCode >= 0 && grpcCode < GRPC_CODES.length ? GRPC_CODES[grpcCode] : code;
        }

        /**
         * SpiceDB's {@code ERROR_REASON_…} of the error.
         *
         * @return the reason, or null when the error carries none
         */
        public String reason() {
            return reason;
        }
    }

    /** The names of the gRPC status codes, by number. */
    private static final String[] GRPC_CODES = {
        "OK",
        "CANCELLED",
        "UNKNOWN",
        "INVALID_ARGUMENT",
        "DEADLINE_EXCEEDED",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED",
        "FAILED_PRECONDITION",
        "ABORTED",
        "OUT_OF_RANGE",
        "UNIMPLEMENTED",
        "INTERNAL",
        "UNAVAILABLE",
        "DATA_LOSS",
        "UNAUTHENTICATED"
    };

    /**
     * The JSON mapper the client reads and writes with, to build request bodies.
     *
     * @return the mapper
     */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * POSTs a JSON body and returns the JSON answer.
     *
     * @param path the path, such as {@code /v1/permissions/check}
     * @param body the request body
     * @return the answer
     * @throws ApiException if the server answers an error
     */
    public JsonNode post(String path, JsonNode body) {
        return post(path, bytes(body), "application/json");
    }

    /**
     * POSTs raw bytes of the given content type and returns the JSON answer.
     *
     * @param path the path
     * @param body the request body
     * @param contentType the body's content type
     * @return the answer
     * @throws ApiException if the server answers an error
     */
    public JsonNode post(String path, byte[] body, String contentType) {
        HttpResponse<byte[]> r = send(request(path, body, contentType), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode n = parse(r.body());
        if (r.statusCode() != 200) throw error(r.statusCode(), n);
        return n;
    }

    /**
     * POSTs a JSON body and hands each {@code result} of the NDJSON answer to {@code sink}.
     *
     * @param path the path, such as {@code /v1/relationships/read}
     * @param body the request body
     * @param sink takes each result, in order
     * @throws ApiException if the server answers an error, at once or on a line of the stream
     */
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

    /** The exception for the error body {@code n} (a {@code google.rpc.Status}) answered with HTTP {@code status}. */
    private static ApiException error(int status, JsonNode n) {
        JsonNode code = n.path("code");
        int grpc = code.isInt() || code.isLong() ? code.asInt() : -1;
        JsonNode info = n.path("details").path(0);
        String kith = info.path("metadata").path("code").asText(null);
        if (kith == null) kith = grpc >= 0 && grpc < GRPC_CODES.length ? GRPC_CODES[grpc] : "HTTP_" + status;
        return new ApiException(
                status,
                grpc,
                kith,
                info.path("reason").asText(null),
                n.path("message").asText("HTTP " + status));
    }
}
