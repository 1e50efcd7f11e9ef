package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bodies are JSON whatever their {@code Content-Type} says: {@code curl -d}, as the README's examples use it,
 * sends {@code application/x-www-form-urlencoded}, and a body over 1 KiB sent that way was decoded as a form and
 * answered 500.
 */
class ContentTypeTest {
    private static ServerFixture f;

    @BeforeAll
    static void start() {
        f = ServerFixture.withKey();
        f.writeSchema();
        f.touch("document:d1#viewer@user:ann");
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void aLargeBodySentAsAFormIsReadAsJson() throws Exception {
        String padded = ServerFixture.checkJson("document", "d1", "view", "user", "ann")
                .replaceFirst("\\{", "{\"context\":{\"pad\":\"" + "x".repeat(4000) + "\"},");
        for (String type : new String[] {"application/x-www-form-urlencoded", "multipart/form-data; boundary=b"}) {
            HttpResponse<String> r = post(padded, type);
            assertThat(r.statusCode()).as(type + ": " + r.body()).isEqualTo(200);
            assertThat(r.body()).contains("PERMISSIONSHIP_HAS_PERMISSION");
        }
    }

    @Test
    void aBadFieldInALargeFormTypedBodyIsStillA400NamingIt() throws Exception {
        String longId = ServerFixture.checkJson("document", "d".repeat(2000), "view", "user", "ann");
        HttpResponse<String> r = post(longId, "application/x-www-form-urlencoded");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("\"field\":\"resource.objectId\"").doesNotContain("INTERNAL");
    }

    private static HttpResponse<String> post(String body, String contentType) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + f.server.port() + "/v1/permissions/check"))
                .header("Authorization", "Bearer " + ServerFixture.KEY)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }
}
