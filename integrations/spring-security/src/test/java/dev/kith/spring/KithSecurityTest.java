package dev.kith.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.kith.client.ConsistencyTokens;
import dev.kith.client.Kith;
import dev.kith.client.KithConfig;
import dev.kith.client.Refs;
import dev.kith.embedded.EmbeddedKith;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.ContextualizedCaveat;
import dev.kith.proto.v1.RelationshipUpdate;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletContext;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * The request manager and the method-security bean in a real Spring MVC and Spring Security context (MockMvc), over
 * an embedded kith (or a gRPC one at a closed port): each answer's status, fail open, and the token of a write
 * carried by the next check.
 */
class KithSecurityTest {
    static final String SCHEMA = """
            definition user {}

            caveat on_network(ip string, allowed string) {
                ip == allowed
            }

            definition document {
                relation owner: user
                relation viewer: user | user with on_network
                permission view = viewer + owner
            }
            """;

    EmbeddedKith embedded;
    Kith kith;
    final List<CheckPermissionRequest> checks = new CopyOnWriteArrayList<>();
    AnnotationConfigWebApplicationContext context;

    @BeforeEach
    void start() {
        embedded = EmbeddedKith.start();
        embedded.writeSchema(SCHEMA);
        embedded.touch("document:plan#owner@user:ann", "document:plan#viewer@user:bob");
        embedded.write(List.of(RelationshipUpdate.newBuilder()
                .setOperation(RelationshipUpdate.Operation.OPERATION_TOUCH)
                .setRelationship(Refs.relationship("document:plan#viewer@user:cat").toBuilder()
                        .setOptionalCaveat(ContextualizedCaveat.newBuilder()
                                .setCaveatName("on_network")
                                .setContext(struct("allowed", "10.0.0.1"))))
                .build()));
        kith = recording(embedded);
    }

    @AfterEach
    void stop() {
        if (context != null) context.close();
        embedded.close();
    }

    @Test
    void allowedPassesDeniedIs403ByMatcherAndByMethod() throws Exception {
        MockMvc mvc = app(KithSecurity.builder(kith).build());
        for (String path : List.of("/documents/plan", "/method/plan")) {
            assertThat(call(mvc, get(path), "ann").getStatus()).as(path).isEqualTo(200);
            assertThat(call(mvc, get(path), "bob").getStatus()).as(path).isEqualTo(200);
            MockHttpServletResponse denied = call(mvc, get(path), "dan");
            assertThat(denied.getStatus()).as(path).isEqualTo(403);
            assertThat(denied.getContentAsString()).contains("\"error\":\"forbidden\"");
        }
        assertThat(mvc.perform(get("/documents/plan")).andReturn().getResponse().getStatus())
                .isEqualTo(401);
    }

    @Test
    void conditionalIsRefusedOrAskedOfTheHook() throws Exception {
        MockMvc plain = app(KithSecurity.builder(kith).build());
        assertThat(call(plain, get("/documents/plan"), "cat").getStatus()).isEqualTo(403);
        context.close();

        MockMvc hooked = app(KithSecurity.builder(kith)
                .onConditional((auth, resource, permission) ->
                        auth.getName().equals("cat") && resource.equals("document:plan"))
                .build());
        assertThat(call(hooked, get("/documents/plan"), "cat").getStatus()).isEqualTo(200);
        context.close();

        MockMvc withContext = app(KithSecurity.builder(kith)
                .caveatContext(r -> struct("ip", r.getHeader("x-ip")))
                .build());
        assertThat(call(withContext, get("/method/plan").header("x-ip", "10.0.0.1"), "cat")
                        .getStatus())
                .isEqualTo(200);
        assertThat(call(withContext, get("/documents/plan").header("x-ip", "10.6.6.6"), "cat")
                        .getStatus())
                .isEqualTo(403);
        assertThat(checks.getLast().getContext().getFieldsMap().get("ip").getStringValue())
                .isEqualTo("10.6.6.6");
    }

    @Test
    void unreachableKithIs503OrOpenWhenConfigured() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (Kith down = Kith.connect(KithConfig.builder("grpc://127.0.0.1:" + closed)
                .deadline(Duration.ofSeconds(2))
                .build())) {
            MockMvc shut = app(KithSecurity.builder(down).build());
            for (String path : List.of("/documents/plan", "/method/plan")) {
                MockHttpServletResponse r = call(shut, get(path), "ann");
                assertThat(r.getStatus()).as(path).isEqualTo(503);
                assertThat(r.getContentAsString()).contains("authorization_unavailable");
            }
            context.close();

            MockMvc open = app(KithSecurity.builder(down).failOpen(true).build());
            assertThat(call(open, get("/documents/plan"), "dan").getStatus()).isEqualTo(200);
            assertThat(call(open, get("/method/plan"), "dan").getStatus()).isEqualTo(200);
        }
    }

    @Test
    void failOpenDoesNotOpenOnAnAnswerOrAnotherErrorAndABadIdIs400() throws Exception {
        MockMvc mvc = app(KithSecurity.builder(kith).failOpen(true).build());
        assertThat(call(mvc, get("/documents/plan"), "dan").getStatus()).isEqualTo(403);
        MockHttpServletResponse unknown = call(mvc, get("/folders/f1"), "ann");
        assertThat(unknown.getStatus()).isEqualTo(500);
        assertThat(unknown.getContentAsString()).contains("authorization_failed");
        MockHttpServletResponse bad = call(mvc, get("/documents/a b"), "ann");
        assertThat(bad.getStatus()).isEqualTo(400);
        assertThat(bad.getContentAsString()).contains("document:a b");
    }

    @Test
    void aWriteTokenIsKeptAndTheNextCheckReadsAtLeastAsFreshAsIt() throws Exception {
        MockMvc mvc = app(KithSecurity.builder(kith).build());
        MockHttpServletResponse created = call(mvc, post("/documents/memo"), "ann");
        assertThat(created.getStatus()).isEqualTo(201);
        String token = created.getContentAsString();

        assertThat(call(mvc, get("/method/memo"), "ann").getStatus()).isEqualTo(200);
        CheckPermissionRequest check = checks.getLast();
        assertThat(check.getResource().getObjectId()).isEqualTo("memo");
        assertThat(check.getConsistency().getAtLeastAsFresh().getToken()).isEqualTo(token);

        call(mvc, get("/documents/memo"), "bob");
        assertThat(checks.getLast().getConsistency().getMinimizeLatency()).isTrue();
    }

    @Test
    void sharedTokensMakeEveryonesCheckSeeTheWrite() throws Exception {
        MockMvc mvc = app(
                KithSecurity.builder(kith).sharedTokens(new ConsistencyTokens()).build());
        String token = call(mvc, post("/documents/memo"), "ann").getContentAsString();
        assertThat(call(mvc, get("/documents/memo"), "bob").getStatus()).isEqualTo(403);
        assertThat(checks.getLast().getConsistency().getAtLeastAsFresh().getToken())
                .isEqualTo(token);
    }

    // ---- the app

    /** Security and MVC: GET /documents/{id} by matcher, GET /method/{id} by @PreAuthorize, POST writes an owner. */
    @Configuration
    @EnableWebMvc
    @EnableWebSecurity
    @EnableMethodSecurity
    static class App {
        @Bean
        SecurityFilterChain chain(HttpSecurity http, KithSecurity kith) throws Exception {
            http.authorizeHttpRequests(a -> a.requestMatchers(HttpMethod.GET, "/documents/{id}")
                            .access(kith.require("document", "id", "view"))
                            .requestMatchers(HttpMethod.GET, "/folders/{id}")
                            .access(kith.require("folder", "id", "view"))
                            .anyRequest()
                            .authenticated())
                    .exceptionHandling(e -> e.accessDeniedHandler(new KithAccessDeniedHandler()))
                    .httpBasic(b -> {})
                    .csrf(c -> c.disable());
            return http.build();
        }

        @Bean
        Docs docs(KithSecurity kith) {
            return new Docs(kith);
        }
    }

    @RestController
    static class Docs {
        private final KithSecurity kith;

        Docs(KithSecurity kith) {
            this.kith = kith;
        }

        @GetMapping({"/documents/{id}", "/folders/{id}"})
        public String read(@PathVariable String id) {
            return "content of " + id;
        }

        @GetMapping("/method/{id}")
        @PreAuthorize("@kith.check('document', #id, 'view')")
        public String method(@PathVariable String id) {
            return "content of " + id;
        }

        @PostMapping("/documents/{id}")
        public ResponseEntity<String> create(@PathVariable String id) {
            Kith mine = kith.kith();
            String token = mine.touch("document:" + id + "#owner@"
                            + kith.subject(org.springframework.security.core.context.SecurityContextHolder.getContext()
                                    .getAuthentication()))
                    .getToken();
            return ResponseEntity.status(201).body(token);
        }
    }

    private MockMvc app(KithSecurity security) {
        context = new AnnotationConfigWebApplicationContext();
        context.setServletContext(new MockServletContext());
        context.addBeanFactoryPostProcessor(bf -> bf.registerSingleton("kith", security));
        context.register(App.class);
        context.refresh();
        return MockMvcBuilders.webAppContextSetup(context)
                .apply(springSecurity())
                .build();
    }

    private static MockHttpServletResponse call(MockMvc mvc, MockHttpServletRequestBuilder request, String who)
            throws Exception {
        return mvc.perform(request.with(user(who))).andReturn().getResponse();
    }

    static Struct struct(String key, String value) {
        return Struct.newBuilder()
                .putFields(key, Value.newBuilder().setStringValue(value).build())
                .build();
    }

    /** {@code delegate}, recording every check request as it reaches kith. */
    private Kith recording(Kith delegate) {
        return (Kith) Proxy.newProxyInstance(Kith.class.getClassLoader(), new Class<?>[] {Kith.class}, (p, m, args) -> {
            if (m.getName().equals("checkPermission")) checks.add((CheckPermissionRequest) args[0]);
            try {
                return m.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}
