package dev.kith.examples.springdocs;

import dev.kith.client.KithCallException;
import dev.kith.client.Refs;
import dev.kith.proto.v1.Cursor;
import dev.kith.proto.v1.DeleteRelationshipsRequest;
import dev.kith.proto.v1.LookupResourcesRequest;
import dev.kith.proto.v1.LookupResourcesResponse;
import dev.kith.proto.v1.RelationshipFilter;
import dev.kith.spring.KithSecurity;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The endpoints. The routes' kith checks are in {@link DocsConfig}, except {@code DELETE /documents/{id}}, checked
 * here by {@code @PreAuthorize}; writes go through {@link KithSecurity#kith()}, which keeps their consistency tokens.
 */
@RestController
class Documents {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_\\-]{1,64}");

    /** A stored document. */
    record Document(String id, String title, String body) {}

    /** An answer of 4xx or 5xx with a message. */
    static final class Refused extends RuntimeException {
        final HttpStatus status;

        Refused(HttpStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final KithSecurity kith;
    private final Map<String, Document> documents = new ConcurrentHashMap<>();

    Documents(KithSecurity kith) {
        this.kith = kith;
    }

    /** {@code {"id": "plan", "title": "…", "body": "…"}}: the document, owned by the caller. */
    @PostMapping("/documents")
    ResponseEntity<Document> create(@RequestBody Map<String, Object> body, Authentication auth) {
        String id = name(body, "id");
        Document doc = new Document(id, text(body, "title"), text(body, "body"));
        if (documents.putIfAbsent(id, doc) != null)
            throw new Refused(HttpStatus.CONFLICT, "document `" + id + "` exists");
        try {
            kith.kith().touch("document:" + id + "#owner@" + kith.subject(auth));
        } catch (RuntimeException e) {
            documents.remove(id);
            throw e;
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(doc);
    }

    /** The document; {@code view} was checked by the route. */
    @GetMapping("/documents/{id}")
    Document read(@PathVariable String id) {
        Document doc = documents.get(id);
        if (doc == null) throw new Refused(HttpStatus.NOT_FOUND, "no document `" + id + "`");
        return doc;
    }

    /** The documents the caller may view, {@code limit} (default 20) at a time from {@code cursor}. */
    @GetMapping("/documents")
    Map<String, Object> list(
            @RequestParam(defaultValue = "20") String limit,
            @RequestParam(required = false) String cursor,
            Authentication auth) {
        int n;
        try {
            n = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            throw new Refused(HttpStatus.BAD_REQUEST, "`limit` must be a number");
        }
        if (n < 1 || n > 1000) throw new Refused(HttpStatus.BAD_REQUEST, "`limit` must be between 1 and 1000");
        LookupResourcesRequest.Builder req = LookupResourcesRequest.newBuilder()
                .setResourceObjectType("document")
                .setPermission("view")
                .setSubject(Refs.subject(kith.subject(auth)))
                .setOptionalLimit(n);
        if (cursor != null) req.setOptionalCursor(Cursor.newBuilder().setToken(cursor));
        List<LookupResourcesResponse> page;
        try (Stream<LookupResourcesResponse> s = kith.kith().lookupResources(req.build())) {
            page = s.toList();
        }
        List<Map<String, String>> items = new ArrayList<>();
        for (LookupResourcesResponse r : page) {
            Document doc = documents.get(r.getResourceObjectId());
            if (doc != null) items.add(Map.of("id", doc.id(), "title", doc.title()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("documents", items);
        if (page.size() == n)
            out.put("next", page.getLast().getAfterResultCursor().getToken());
        return out;
    }

    /** {@code {"user": "bob"}} or {@code {"group": "eng"}}: the user, or the group's members, may view it. */
    @PostMapping("/documents/{id}/shares")
    ResponseEntity<Void> share(@PathVariable String id, @RequestBody Map<String, Object> body) {
        Object user = body.get("user");
        Object group = body.get("group");
        if ((user == null) == (group == null))
            throw new Refused(HttpStatus.BAD_REQUEST, "give one of `user` or `group`");
        String subject = user != null ? "user:" + name(body, "user") : "group:" + name(body, "group") + "#member";
        kith.kith().touch("document:" + id + "#viewer@" + subject);
        return ResponseEntity.noContent().build();
    }

    /** {@code DELETE /documents/plan/shares/user/bob} or {@code …/group/eng}. */
    @DeleteMapping("/documents/{id}/shares/{kind}/{name}")
    ResponseEntity<Void> revoke(@PathVariable String id, @PathVariable String kind, @PathVariable String name) {
        if (!NAME.matcher(name).matches() || !(kind.equals("user") || kind.equals("group"))) {
            throw new Refused(HttpStatus.BAD_REQUEST, "expected /shares/user/NAME or /shares/group/NAME");
        }
        String subject = kind.equals("user") ? "user:" + name : "group:" + name + "#member";
        kith.kith().delete("document:" + id + "#viewer@" + subject);
        return ResponseEntity.noContent().build();
    }

    /** Deletes the document and every relationship of it: its owner only, checked on this method. */
    @DeleteMapping("/documents/{id}")
    @PreAuthorize("@kith.check('document', #id, 'delete')")
    ResponseEntity<Void> delete(@PathVariable String id) {
        kith.kith()
                .deleteRelationships(DeleteRelationshipsRequest.newBuilder()
                        .setRelationshipFilter(RelationshipFilter.newBuilder()
                                .setResourceType("document")
                                .setOptionalResourceId(id))
                        .build());
        documents.remove(id);
        return ResponseEntity.noContent().build();
    }

    /** {@code {"id": "eng"}}: a group, administered by the caller, who is also a member. */
    @PostMapping("/groups")
    ResponseEntity<Void> createGroup(@RequestBody Map<String, Object> body, Authentication auth) {
        String id = name(body, "id");
        String me = kith.subject(auth);
        kith.kith().touch("group:" + id + "#admin@" + me, "group:" + id + "#member@" + me);
        return ResponseEntity.status(HttpStatus.CREATED).build();
    }

    /** {@code {"user": "bob"}}: bob becomes a member; {@code manage} was checked by the route. */
    @PostMapping("/groups/{id}/members")
    ResponseEntity<Void> addMember(@PathVariable String id, @RequestBody Map<String, Object> body) {
        kith.kith().touch("group:" + id + "#member@user:" + name(body, "user"));
        return ResponseEntity.noContent().build();
    }

    @ExceptionHandler(Refused.class)
    ResponseEntity<Map<String, String>> refused(Refused e) {
        return ResponseEntity.status(e.status).body(Map.of("message", e.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
        return ResponseEntity.badRequest().body(Map.of("message", "the body must be a JSON object"));
    }

    /** A kith write or lookup that failed: 503 when kith is unreachable, else 500; never the exception's text. */
    @ExceptionHandler(KithCallException.class)
    ResponseEntity<Map<String, String>> kithFailed(KithCallException e) {
        boolean down = e.code() == Status.Code.UNAVAILABLE || e.code() == Status.Code.DEADLINE_EXCEEDED;
        return ResponseEntity.status(down ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.INTERNAL_SERVER_ERROR)
                .body(Map.of("message", down ? "authorization is unavailable; try again later" : "the change failed"));
    }

    /** The body's field {@code field}, a valid name, or a 400 naming it. */
    private static String name(Map<String, Object> body, String field) {
        if (!(body.get(field) instanceof String s) || !NAME.matcher(s).matches()) {
            throw new Refused(
                    HttpStatus.BAD_REQUEST, "`" + field + "` must be a name (letters, digits, _ and -, up to 64)");
        }
        return s;
    }

    private static String text(Map<String, Object> body, String field) {
        return body.get(field) instanceof String s ? s : "";
    }
}
