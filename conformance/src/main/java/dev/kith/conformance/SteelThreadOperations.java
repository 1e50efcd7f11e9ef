package dev.kith.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.cli.Wire;
import dev.kith.client.KithClient;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipParser;
import dev.kith.engine.SubjectRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The operations of SpiceDB's steel-thread test ({@code internal/services/steelthreadtesting/operations.go}),
 * each performed through the HTTP API of an {@link EmbeddedKith} the way the Go test drives SpiceDB's gRPC API,
 * and rendered in the text of SpiceDB's golden files. Every read asks for a snapshot at least as fresh as the
 * case's last write (SpiceDB's test asks for full consistency: on one in-memory node, the same snapshot).
 */
final class SteelThreadOperations {
    /** More pages than any steel-thread data set can fill: a cursor that never ends is a failure, not a hang. */
    private static final int MAX_PAGES = 100_000;

    private final EmbeddedKith kith;
    private final KithClient client;
    private final Path testdata;

    /** Operations on {@code kith}; files named in arguments ({@code rels_file}) are read from {@code testdata}. */
    SteelThreadOperations(EmbeddedKith kith, Path testdata) {
        this.kith = kith;
        this.client = kith.client();
        this.testdata = testdata;
    }

    /** What an operation produced, and what it saw go wrong besides (a duplicate, a short page). */
    record Output(SteelThreadYaml.Document document, List<String> problems) {}

    /** Runs the operation named {@code operation} with {@code arguments}. */
    Output run(String operation, JsonNode arguments) {
        Args a = new Args(arguments);
        return switch (operation) {
            case "lookupSubjects" -> lookupSubjects(a);
            case "lookupResources" -> lookupResources(a);
            case "cursoredLookupResources" -> cursoredLookupResources(a);
            case "cursoredReadRelationships" -> cursoredReadRelationships(a);
            case "bulkImportExportRelationships" -> bulkImportExportRelationships(a);
            case "bulkCheckPermissions" -> bulkCheckPermissions(a);
            case "writeSchema" -> writeSchema(a);
            default -> throw new IllegalArgumentException("unknown operation `" + operation + "`");
        };
    }

    /**
     * Lookup-subjects, rendered as SpiceDB renders it: each subject's id, a wildcard's exclusions as {@code " -
     * [a, b]"} (sorted), {@code " (conditional)"} for a conditional answer; the whole list sorted (SpiceDB's
     * order is unspecified, so its test sorts). A subject returned twice is a failure, as in SpiceDB's test.
     */
    private Output lookupSubjects(Args a) {
        ObjectNode body = kith.request();
        body.set(
                "resource",
                Wire.objectRef(client.mapper(), new ObjectRef(a.str("resource_type"), a.str("resource_object_id"))));
        body.put("permission", a.str("permission"));
        body.put("subjectObjectType", a.str("subject_type"));
        List<String> found = new ArrayList<>();
        client.stream("/v1/permissions/subjects", body, r -> found.add(resolvedSubject(r)));
        return sortedSet(found, "subject");
    }

    private static String resolvedSubject(JsonNode r) {
        StringBuilder b =
                new StringBuilder(r.path("subject").path("subjectObjectId").asText());
        List<String> excluded = new ArrayList<>();
        for (JsonNode e : r.path("excludedSubjects"))
            excluded.add(e.path("subjectObjectId").asText() + conditional(e));
        if (!excluded.isEmpty())
            b.append(" - [").append(String.join(", ", new TreeSet<>(excluded))).append(']');
        return b.append(conditional(r.path("subject"))).toString();
    }

    private static String conditional(JsonNode n) {
        return n.path("permissionship").asText().equals("LOOKUP_PERMISSIONSHIP_CONDITIONAL_PERMISSION")
                ? " (conditional)"
                : "";
    }

    /** Lookup-resources in one request: resource ids (with {@code " (conditional)"}), sorted as SpiceDB's test does. */
    private Output lookupResources(Args a) {
        List<String> found = new ArrayList<>();
        client.stream("/v1/permissions/resources", lookupResourcesRequest(a), r -> found.add(resolvedResource(r)));
        return sortedSet(found, "resource");
    }

    /**
     * Lookup-resources a page at a time: {@code optionalLimit} is the page size and {@code optionalCursor} the
     * last result's {@code afterResultCursor}, until a page comes back empty (SpiceDB's loop). Each page is
     * rendered as the sorted set of its ids. Every page but the last must be full (SpiceDB's test requires it),
     * and, kith's own promise of a complete lookup in a stable order, no resource may come back twice.
     */
    private Output cursoredLookupResources(Args a) {
        int pageSize = a.integer("page_size");
        List<String> problems = new ArrayList<>();
        List<List<String>> pages = paginate(
                pageSize,
                cursor -> {
                    ObjectNode body = lookupResourcesRequest(a);
                    body.put("optionalLimit", pageSize);
                    if (cursor != null) body.putObject("optionalCursor").put("token", cursor);
                    return body;
                },
                "/v1/permissions/resources",
                SteelThreadOperations::resolvedResource,
                false,
                problems);
        Set<String> seen = new java.util.HashSet<>();
        for (List<String> page : pages) {
            for (String id : page) {
                if (!seen.add(id)) problems.add("resource " + id + " came back on more than one page");
            }
        }
        return new Output(SteelThreadYaml.pages(pages), problems);
    }

    private ObjectNode lookupResourcesRequest(Args a) {
        ObjectNode body = kith.request();
        body.put("resourceObjectType", a.str("resource_type"));
        body.put("permission", a.str("permission"));
        body.set(
                "subject",
                Wire.subjectRef(
                        client.mapper(), new SubjectRef(a.str("subject_type"), a.str("subject_object_id"), null)));
        if (a.node.has("context")) body.set("context", a.node.get("context"));
        return body;
    }

    private static String resolvedResource(JsonNode r) {
        return r.path("resourceObjectId").asText() + conditional(r);
    }

    /**
     * Read-relationships a page at a time under a filter of the arguments ({@code resource_type},
     * {@code resource_id}, {@code subject_type}, {@code subject_id}), until a page is short (SpiceDB's loop).
     * Each page is the sorted set of its relationships in SpiceDB's string form.
     */
    private Output cursoredReadRelationships(Args a) {
        int pageSize = a.integer("page_size");
        ObjectNode filter = client.mapper().createObjectNode();
        if (a.node.has("resource_type")) filter.put("resourceType", a.str("resource_type"));
        if (a.node.has("resource_id")) filter.put("optionalResourceId", a.str("resource_id"));
        if (a.node.has("subject_type") || a.node.has("subject_id")) {
            ObjectNode subject = filter.putObject("optionalSubjectFilter");
            if (a.node.has("subject_type")) subject.put("subjectType", a.str("subject_type"));
            if (a.node.has("subject_id")) subject.put("optionalSubjectId", a.str("subject_id"));
        }
        List<String> problems = new ArrayList<>();
        List<List<String>> pages = paginate(
                pageSize,
                cursor -> {
                    ObjectNode body = kith.request();
                    body.set("relationshipFilter", filter);
                    body.put("optionalLimit", pageSize);
                    if (cursor != null) body.putObject("optionalCursor").put("token", cursor);
                    return body;
                },
                "/v1/relationships/read",
                r -> RelationshipParser.format(Wire.relationship(client.mapper(), r.path("relationship"))),
                true,
                problems);
        return new Output(SteelThreadYaml.pages(pages), problems);
    }

    /**
     * Requests pages until one is empty (or, with {@code stopOnShortPage}, shorter than {@code pageSize}); each
     * page becomes the sorted set of its rendered results. A page other than the last that is not full is a
     * problem, as in SpiceDB's test.
     */
    private List<List<String>> paginate(
            int pageSize,
            Function<String, ObjectNode> request,
            String path,
            Function<JsonNode, String> render,
            boolean stopOnShortPage,
            List<String> problems) {
        List<List<String>> pages = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        String cursor = null;
        while (pages.size() < MAX_PAGES) {
            List<String> page = new ArrayList<>();
            String[] last = {cursor};
            client.stream(path, request.apply(cursor), r -> {
                page.add(render.apply(r));
                last[0] = r.path("afterResultCursor").path("token").asText(null);
            });
            if (page.isEmpty()) break;
            counts.add(page.size());
            pages.add(List.copyOf(new TreeSet<>(page)));
            if (stopOnShortPage && page.size() < pageSize) break;
            if (last[0] == null || last[0].equals(cursor)) {
                problems.add("page " + pages.size() + " ended without a cursor to continue from");
                break;
            }
            cursor = last[0];
        }
        if (pages.size() == MAX_PAGES) problems.add("still paging after " + MAX_PAGES + " pages");
        for (int i = 0; i < counts.size() - 1; i++) {
            if (counts.get(i) != pageSize) {
                problems.add("page " + (i + 1) + " of " + counts.size() + " has " + counts.get(i)
                        + " results, not the full page of " + pageSize + " (page sizes " + counts + ")");
            }
        }
        return pages;
    }

    /**
     * Imports the relationships of {@code rels_file} (one per line) with {@code importbulk}, then exports with
     * {@code exportbulk} ({@code optional_limit} as the export's page size; {@code resource_type} or {@code
     * filter_resource_id_prefix} as its filter) and renders every exported relationship in SpiceDB's string
     * form, in the export's order. All must load, as SpiceDB's test requires.
     */
    private Output bulkImportExportRelationships(Args a) {
        Path file = testdata.resolve(a.str("rels_file"));
        List<Relationship> relationships = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isEmpty()) relationships.add(RelationshipParser.parse(line));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (KithException.InvalidArgument e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        long loaded = kith.importRelationships(relationships).path("numLoaded").asLong();
        if (loaded != relationships.size()) {
            problems.add("expected " + relationships.size() + " relationships to be loaded, got " + loaded);
        }
        ObjectNode body = kith.request();
        if (a.node.has("optional_limit")) body.put("optionalLimit", a.integer("optional_limit"));
        if (a.node.has("resource_type")) {
            body.putObject("optionalRelationshipFilter").put("resourceType", a.str("resource_type"));
        }
        if (a.node.has("filter_resource_id_prefix")) {
            body.putObject("optionalRelationshipFilter")
                    .put("optionalResourceIdPrefix", a.str("filter_resource_id_prefix"));
        }
        List<String> exported = new ArrayList<>();
        client.stream("/v1/relationships/exportbulk", body, page -> {
            for (JsonNode r : page.path("relationships")) {
                exported.add(RelationshipParser.format(Wire.relationship(client.mapper(), r)));
            }
        });
        return new Output(SteelThreadYaml.list(exported), problems);
    }

    /**
     * One {@code checkbulk} of every {@code check_requests} item (a relationship string; a caveat's context on it
     * is the check's context), rendered {@code "<item> -> <permissionship>"}, or {@code "<item> -> <error
     * message>"} for an item that failed, in request order.
     */
    private Output bulkCheckPermissions(Args a) {
        List<String> items = new ArrayList<>();
        ObjectNode body = kith.request();
        ArrayNode requests = body.putArray("items");
        for (JsonNode item : a.node.path("check_requests")) {
            Relationship r = RelationshipParser.parse(item.asText());
            items.add(item.asText());
            ObjectNode request = requests.addObject();
            request.set("resource", Wire.objectRef(client.mapper(), r.resource()));
            request.put("permission", r.relation());
            request.set("subject", Wire.subjectRef(client.mapper(), r.subject()));
            if (r.caveat() != null)
                request.set("context", client.mapper().valueToTree(r.caveat().context()));
        }
        JsonNode pairs = client.post("/v1/permissions/checkbulk", body).path("pairs");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            JsonNode pair = pairs.get(i);
            String answer = pair.has("item")
                    ? pair.path("item").path("permissionship").asText()
                    : pair.path("error").path("message").asText();
            out.add((i < items.size() ? items.get(i) : "?") + " -> " + answer);
        }
        return new Output(SteelThreadYaml.list(out), List.of());
    }

    /**
     * Writes {@code schema}: {@code {}} when kith accepts it, else {@code error: 'failed to write schema: rpc
     * error: code = <Code> desc = <message>'} with the error's gRPC code (kith's INVALID_SCHEMA for a schema that
     * does not compile) in Go's spelling and kith's message.
     */
    private Output writeSchema(Args a) {
        try {
            kith.writeSchema(a.str("schema"));
            return new Output(SteelThreadYaml.emptyMap(), List.of());
        } catch (KithClient.ApiException e) {
            return new Output(
                    SteelThreadYaml.error("failed to write schema: rpc error: code = " + grpcCode(schemaCode(e))
                            + " desc = " + e.getMessage()),
                    List.of());
        }
    }

    /**
     * The code a refused schema write is reported with: kith's own {@code INVALID_SCHEMA} for a schema that does not
     * compile (a deliberate difference the steel-thread command notes), else the error's gRPC code.
     */
    private static String schemaCode(KithClient.ApiException e) {
        return "INVALID_SCHEMA".equals(e.code()) ? e.code() : e.grpcCodeName();
    }

    /** {@code INVALID_ARGUMENT} → {@code InvalidArgument}: how Go's gRPC status prints a code. */
    static String grpcCode(String code) {
        StringBuilder b = new StringBuilder();
        for (String word : code.toLowerCase(Locale.ROOT).split("_")) {
            if (!word.isEmpty()) b.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return b.toString();
    }

    /** Sorted, with a repeated entry reported as a problem (SpiceDB's test fails on one). */
    private static Output sortedSet(List<String> found, String what) {
        Set<String> unique = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (String f : found) {
            if (!unique.add(f)) problems.add("duplicate " + what + " found: " + f);
        }
        return new Output(SteelThreadYaml.list(List.copyOf(new TreeSet<>(unique))), problems);
    }

    /** An operation's arguments, with errors that name the missing or mistyped one. */
    private record Args(JsonNode node) {
        String str(String name) {
            JsonNode v = node.get(name);
            if (v == null || !v.isTextual())
                throw new IllegalArgumentException("argument `" + name + "` must be a string");
            return v.asText();
        }

        int integer(String name) {
            JsonNode v = node.get(name);
            if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
                throw new IllegalArgumentException("argument `" + name + "` must be a positive integer");
            }
            return v.asInt();
        }
    }
}
