package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Await;
import dev.kith.engine.Relationship;
import dev.kith.engine.Revision;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Requests over their deadline answer 504 {@code DEADLINE_EXCEEDED} and their engine work really stops; a stream
 * whose client goes away stops too. "Stopped" is read from {@code kith_requests_cancelled_total}, which counts a
 * request only once its engine work has ended by its deadline (or, for a stream, once the client is gone and its
 * page in flight has returned); the engine's own tests prove each long loop polls the deadline.
 */
class DeadlineApiTest {
    /** Far more work than a millisecond: each case below walks or lists this many relations. */
    private static final int WIDE = 50_000;

    private static ServerFixture server(Duration requestTimeout) {
        return server(requestTimeout, requestTimeout);
    }

    private static ServerFixture server(Duration requestTimeout, Duration importTimeout) {
        ServerFixture f = new ServerFixture(ServerConfig.loopback(List.of(ServerFixture.KEY))
                .withLimits(Limits.defaults().withTimeouts(requestTimeout, importTimeout)));
        f.engine.writeSchema(ServerFixture.SCHEMA);
        return f;
    }

    /** {@code report:wide} links WIDE groups; {@code document:wide} is viewed by WIDE users through group:big. */
    private static void wideData(ServerFixture f) {
        List<Relationship> rels = new ArrayList<>();
        for (int i = 0; i < WIDE; i++) {
            rels.add(Relationship.parse("report:wide#source@group:g" + i));
            rels.add(Relationship.parse("group:g" + i + "#member@user:u" + i));
            rels.add(Relationship.parse("group:big#member@group:g" + i + "#member"));
        }
        rels.add(Relationship.parse("document:wide#viewer@group:big#member"));
        f.engine.importBulk(rels.iterator());
    }

    private static final String LOOKUP_SUBJECTS = new JsonObject()
            .put("resource", new JsonObject().put("objectType", "document").put("objectId", "wide"))
            .put("permission", "view")
            .put("subjectObjectType", "user")
            .encode();

    /** An expand of {@code report:wide#read}: one subtree per linked group. */
    private static JsonObject expandWide() {
        return new JsonObject()
                .put("resource", new JsonObject().put("objectType", "report").put("objectId", "wide"))
                .put("permission", "read");
    }

    private static final Pattern CANCELLED =
            Pattern.compile("kith_requests_cancelled_total\\{reason=\"(\\w+)\",?} (\\S+)");

    private static double cancelled(ServerFixture f, String reason) {
        Matcher m = CANCELLED.matcher(f.get("/metrics").text);
        while (m.find()) {
            if (m.group(1).equals(reason)) return Double.parseDouble(m.group(2));
        }
        throw new AssertionError("no kith_requests_cancelled_total{reason=\"" + reason + "\"} in /metrics");
    }

    /** Waits (bounded; this times nothing) until the counter of {@code reason} reaches {@code expected}. */
    private static void awaitCancelled(ServerFixture f, String reason, double expected) throws InterruptedException {
        Await.until(
                "kith_requests_cancelled_total{reason=\"" + reason + "\"} to reach " + expected,
                () -> cancelled(f, reason) >= expected,
                Duration.ofSeconds(30));
        assertThat(cancelled(f, reason)).isEqualTo(expected);
    }

    @Test
    void anExpandOverItsDeadlineIs504AndItsWorkStops() throws Exception {
        try (ServerFixture f = server(Duration.ofMillis(1))) {
            wideData(f);
            assertThat(cancelled(f, Metrics.DEADLINE)).isZero();
            JsonObject expand = expandWide().put("consistency", new JsonObject().put("fullyConsistent", true));
            JsonObject error = f.post("/v1/permissions/expand", expand.encode()).error(504);
            assertThat(ServerFixture.meta(error).getString("code")).isEqualTo("DEADLINE_EXCEEDED");
            awaitCancelled(f, Metrics.DEADLINE, 1);
            assertThat(f.get("/metrics").text)
                    .contains("kith_http_requests_seconds_count{endpoint=\"/v1/permissions/expand\",status=\"504\"} 1");
        }
    }

    @Test
    void anExpandAnsweredOnTheEventLoopIsBoundedByTheDeadlineToo() throws Exception {
        try (ServerFixture f = server(Duration.ofMillis(1))) {
            wideData(f);
            JsonObject error =
                    f.post("/v1/permissions/expand", expandWide().encode()).error(504);
            assertThat(ServerFixture.meta(error).getString("code")).isEqualTo("DEADLINE_EXCEEDED");
            assertThat(error.getString("message")).contains("expand");
            assertThat(cancelled(f, Metrics.DEADLINE)).isEqualTo(1);
            assertThat(f.post(
                                    "/v1/permissions/check",
                                    ServerFixture.checkJson("document", "wide", "view", "user", "u7"))
                            .json()
                            .getString("permissionship"))
                    .as("the event loop's next check runs unbound")
                    .isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
        }
    }

    @Test
    void aLookupPageOverItsDeadlineIs504() throws Exception {
        try (ServerFixture f = server(Duration.ofMillis(1))) {
            wideData(f);
            JsonObject error =
                    f.post("/v1/permissions/subjects", LOOKUP_SUBJECTS).error(504);
            assertThat(ServerFixture.meta(error).getString("code")).isEqualTo("DEADLINE_EXCEEDED");
            assertThat(error.getString("message")).contains("lookup-subjects");
            awaitCancelled(f, Metrics.DEADLINE, 1);
        }
    }

    @Test
    void anImportOverItsDeadlineIs504AndImportsNothing() throws Exception {
        try (ServerFixture f = server(Duration.ofMillis(1))) {
            Revision before = f.engine.appliedRevision();
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < WIDE; i++) {
                body.append(ServerFixture.relationshipJson("document:d" + i + "#viewer@user:u" + i))
                        .append('\n');
            }
            JsonObject error =
                    f.post("/v1/relationships/importbulk", body.toString()).error(504);
            assertThat(ServerFixture.meta(error).getString("code")).isEqualTo("DEADLINE_EXCEEDED");
            awaitCancelled(f, Metrics.DEADLINE, 1);
            assertThat(f.engine.appliedRevision()).isEqualTo(before);
            assertThat(f.engine.stats().relationships()).isZero();
        }
    }

    @Test
    void anImportHasItsOwnDeadlineAndItsErrorNamesIt() throws Exception {
        try (ServerFixture f = server(Duration.ofSeconds(30), Duration.ofMillis(1))) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < WIDE; i++) {
                body.append(ServerFixture.relationshipJson("document:d" + i + "#viewer@user:u" + i))
                        .append('\n');
            }
            JsonObject error =
                    f.post("/v1/relationships/importbulk", body.toString()).error(504);
            assertThat(error.getString("message")).contains("deadline of 1 ms");
            assertThat(f.engine.stats().relationships()).isZero();
            // the other requests keep the request timeout: a write is answered
            assertThat(f.touch("document:one#viewer@user:ann")).isNotBlank();
            assertThat(f.engine.stats().relationships()).isEqualTo(1);
        }
    }

    @Test
    void aStreamWhoseClientGoesAwayIsCancelled() throws Exception {
        try (ServerFixture f = server(Duration.ofSeconds(30))) {
            wideData(f);
            assertThat(cancelled(f, Metrics.DISCONNECT)).isZero();
            byte[] body = new JsonObject()
                    .put("relationshipFilter", new JsonObject().put("resourceType", "group"))
                    .encode()
                    .getBytes(StandardCharsets.UTF_8);
            try (Socket socket = new Socket("127.0.0.1", f.server.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/relationships/read HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                                + ServerFixture.KEY + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                InputStream in = socket.getInputStream();
                // the first page has been answered; the 2 x WIDE group relationships are 100 pages
                assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII))
                        .isEqualTo("HTTP/1.1 200");
            }
            awaitCancelled(f, Metrics.DISCONNECT, 1);
            assertThat(cancelled(f, Metrics.DEADLINE)).isZero();
        }
    }
}
