package dev.kith.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The v1 API over kith's HTTP API: each message as its proto3 JSON (the shape of SpiceDB's HTTP gateway), answers
 * read back into messages, streams as NDJSON lines ({@code {"result": …}} or a last {@code {"error": …}}).
 */
final class HttpTransport implements Transport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private final Connection connection;
    private final HttpClient http;

    HttpTransport(Connection connection) {
        this.connection = connection;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connection.timeout());
        if (connection.certificatePath() != null) b.sslContext(trusting(connection));
        this.http = b.build();
    }

    /** An SSL context that trusts the certificates of the PEM file (a private CA, or a server's own certificate). */
    static SSLContext trusting(Connection c) {
        try (InputStream in = java.nio.file.Files.newInputStream(c.certificatePath())) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            if (i == 0) throw new GeneralSecurityException("no certificate in it");
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "--certificate-path " + c.certificatePath() + ": cannot read a PEM certificate from it ("
                            + e.getMessage() + ")",
                    e);
        }
    }

    private static String json(Message body) {
        try {
            return PRINTER.print(body);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(
                    "cannot write " + body.getDescriptorForType().getName() + " as JSON", e);
        }
    }

    private HttpRequest request(String path, Message body, boolean bounded) {
        return request(path, json(body), "application/json", bounded);
    }

    private HttpRequest request(String path, String json, String contentType, boolean bounded) {
        HttpRequest.Builder b = HttpRequest.newBuilder(connection.endpoint().resolve(path))
                .header("Content-Type", contentType)
                .header("User-Agent", "kith-cli")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (connection.token() != null) b.header("Authorization", "Bearer " + connection.token());
        if (bounded) b.timeout(connection.timeout());
        return b.build();
    }

    @Override
    public <Q extends Message, R extends Message> R call(Rpc<Q, R> rpc, Q request) {
        HttpResponse<String> r = send(request(rpc.httpPath(), request, true), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw error(r.statusCode(), r.body());
        return read(rpc, r.body());
    }

    @Override
    public <Q extends Message, R extends Message> R upload(Rpc<Q, R> rpc, List<Q> requests) {
        StringBuilder body = new StringBuilder();
        for (Q request : requests) body.append(json(request)).append('\n');
        HttpResponse<String> r = send(
                request(rpc.httpPath(), body.toString(), "application/x-ndjson", true),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw error(r.statusCode(), r.body());
        return read(rpc, r.body());
    }

    @Override
    public <Q extends Message, R extends Message> void stream(
            Rpc<Q, R> rpc, Q request, Predicate<R> sink, boolean bounded) {
        HttpResponse<InputStream> r =
                send(request(rpc.httpPath(), request, bounded), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            if (r.statusCode() != 200) {
                StringBuilder body = new StringBuilder();
                for (String line = in.readLine(); line != null; line = in.readLine()) body.append(line);
                throw error(r.statusCode(), body.toString());
            }
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) continue;
                JsonNode n = JSON.readTree(line);
                if (n.has("error")) throw status(n.get("error"));
                if (!sink.test(read(rpc, n.path("result").toString()))) return;
            }
        } catch (IOException e) {
            throw RemoteException.local(
                    "UNAVAILABLE", "the stream from " + describe() + " broke off: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private <R extends Message> R read(Rpc<?, R> rpc, String json) {
        Message.Builder b = rpc.prototype().newBuilderForType();
        try {
            PARSER.merge(json, b);
        } catch (InvalidProtocolBufferException e) {
            throw RemoteException.local(
                    "INTERNAL",
                    describe() + " answered " + rpc.httpPath() + " with JSON kith cannot read: " + e.getMessage());
        }
        return (R) b.build();
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (HttpTimeoutException e) {
            throw RemoteException.local(
                    "DEADLINE_EXCEEDED",
                    "no answer from " + describe() + " within the request timeout (" + connection.timeout() + ")");
        } catch (ConnectException e) {
            throw RemoteException.local("UNAVAILABLE", "cannot reach " + describe() + " (connection refused)");
        } catch (SSLException e) {
            throw RemoteException.local(
                    "UNAVAILABLE",
                    "TLS with " + describe() + " failed: " + e.getMessage()
                            + " (give the server's CA with --certificate-path)");
        } catch (IOException e) {
            throw RemoteException.local("UNAVAILABLE", "cannot reach " + describe() + " (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RemoteException.local("CANCELLED", "interrupted");
        }
    }

    /** The error answer of a request: the {@code google.rpc.Status} body, or the bare HTTP status when it is none. */
    private RemoteException error(int httpStatus, String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.has("code") && n.has("message")) return status(n);
        } catch (IOException e) {
            // Not JSON: described by its HTTP status below.
        }
        String code = switch (httpStatus) {
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 502, 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> "UNKNOWN";
        };
        return RemoteException.local(code, describe() + " answered HTTP " + httpStatus);
    }

    private static RemoteException status(JsonNode n) {
        int number = n.path("code").asInt(2);
        String code = number >= 0 && number < io.grpc.Status.Code.values().length
                ? io.grpc.Status.fromCodeValue(number).getCode().name()
                : "UNKNOWN";
        String reason = null;
        Map<String, String> metadata = new HashMap<>();
        for (JsonNode d : n.path("details")) {
            if (!d.path("@type").asText().endsWith("google.rpc.ErrorInfo")) continue;
            reason = d.path("reason").asText(null);
            d.path("metadata")
                    .properties()
                    .forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
        }
        return new RemoteException(code, n.path("message").asText(), reason, metadata);
    }

    @Override
    public String describe() {
        return connection.endpoint().text() + " (HTTP)";
    }

    @Override
    public void close() {
        http.close();
    }
}
