package dev.kith.conformance.openfga;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kith.conformance.openfga.FgaScenario.Answer;
import dev.kith.conformance.openfga.FgaScenario.Assertion;
import dev.kith.conformance.openfga.FgaScenario.Check;
import dev.kith.conformance.openfga.FgaScenario.Contains;
import dev.kith.conformance.openfga.FgaScenario.ErrorCode;
import dev.kith.conformance.openfga.FgaScenario.Exactly;
import dev.kith.conformance.openfga.FgaScenario.Expect;
import dev.kith.conformance.openfga.FgaScenario.ListObjects;
import dev.kith.conformance.openfga.FgaScenario.ListUsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads OpenFGA's test files into {@link FgaScenario}s. Four shapes, told apart by their keys:
 *
 * <ul>
 *   <li><b>staged tests</b> ({@code tests[].stages[]}: {@code model}, {@code tuples}, {@code checkAssertions},
 *       {@code listObjectsAssertions}, {@code listUsersAssertions}): one scenario per stage; tuples accumulate
 *       across stages while the model is replaced.
 *   <li><b>the check matrix</b> ({@code matrixModel}, {@code stages[]}): one model for every stage, each stage a
 *       fresh store; as upstream runs it, each check also becomes a list-objects assertion (the object is
 *       returned iff the check is true) and a list-users one (the user is returned iff true, skipped when the
 *       answer holds a wildcard), with {@code listObjectsErrorCode}/{@code listUsersErrorCode} overriding the
 *       expected error of those.
 *   <li><b>the list-objects matrix</b> ({@code model}, {@code tests[].listObjectsAssertions}): one model, each
 *       test a fresh store.
 *   <li><b>store files</b> ({@code .fga.yaml}: {@code model} or {@code model_file}, {@code tuples} or {@code
 *       tuple_file}, {@code tests[]} with {@code check}, {@code list_objects}, {@code list_users}): one scenario
 *       per test, with the store's tuples and the test's own.
 * </ul>
 */
final class FgaSuiteLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A file that is not one of the four shapes, or cannot be read. */
    static final class LoadException extends Exception {
        private static final long serialVersionUID = 1L;

        LoadException(String message) {
            super(message, null, false, false);
        }
    }

    private FgaSuiteLoader() {}

    /** One case of OpenFGA's DSL validation files: a model that must be accepted, or rejected. */
    record LanguageCase(String name, String dsl, boolean valid, boolean skip) {}

    /**
     * The cases of a DSL validation file (a list of {@code name}, {@code dsl}, {@code expected_errors}, {@code
     * skip}), or null when {@code file} is not one.
     */
    static List<LanguageCase> loadLanguageCases(Path file) throws LoadException {
        if (!(readYaml(file) instanceof List<?> items)) {
            return null;
        }
        List<LanguageCase> cases = new ArrayList<>();
        for (Object item : items) {
            Map<String, Object> c = map(item, "a validation case");
            if (!c.containsKey("dsl")) {
                throw new LoadException("not a DSL validation case: no `dsl` in " + c.get("name"));
            }
            cases.add(new LanguageCase(
                    text(c.get("name"), "name"),
                    text(c.get("dsl"), "dsl"),
                    list(c.get("expected_errors"), "expected_errors").isEmpty(),
                    Boolean.TRUE.equals(c.get("skip"))));
        }
        return cases;
    }

    static List<FgaScenario> load(Path file) throws LoadException {
        Map<String, Object> root = map(readYaml(file), "the file");
        List<Map<String, Object>> tests = maps(root.get("tests"), "tests");
        if (root.containsKey("matrixModel")) {
            return checkMatrix(root);
        }
        if (!tests.isEmpty() && tests.getFirst().containsKey("stages")) {
            return staged(tests);
        }
        if (tests.stream().anyMatch(t -> t.containsKey("listObjectsAssertions"))) {
            return listObjectsMatrix(text(root.get("model"), "model"), tests);
        }
        if (root.containsKey("model") || root.containsKey("model_file")) {
            return store(file, root, tests);
        }
        throw new LoadException(
                "not an OpenFGA test file: no `tests[].stages`, `matrixModel`, `model` or `model_file`");
    }

    private static List<FgaScenario> staged(List<Map<String, Object>> tests) throws LoadException {
        List<FgaScenario> scenarios = new ArrayList<>();
        for (Map<String, Object> test : tests) {
            String testName = text(test.get("name"), "tests[].name");
            List<Map<String, Object>> tuples = new ArrayList<>();
            List<Map<String, Object>> stages = maps(test.get("stages"), testName + ".stages");
            for (int i = 0; i < stages.size(); i++) {
                Map<String, Object> stage = stages.get(i);
                String name = testName + (stages.size() > 1 ? "/stage " + (i + 1) : "");
                tuples.addAll(maps(stage.get("tuples"), name + ".tuples"));
                scenarios.add(new FgaScenario(
                        name,
                        text(stage.get("model"), name + ".model"),
                        List.copyOf(tuples),
                        assertions(name, stage, false)));
            }
        }
        return scenarios;
    }

    private static List<FgaScenario> checkMatrix(Map<String, Object> root) throws LoadException {
        String model = text(root.get("matrixModel"), "matrixModel");
        List<FgaScenario> scenarios = new ArrayList<>();
        for (Map<String, Object> stage : maps(root.get("stages"), "stages")) {
            String name = text(stage.get("name"), "stages[].name");
            scenarios.add(new FgaScenario(name, model, maps(stage.get("tuples"), name), assertions(name, stage, true)));
        }
        return scenarios;
    }

    private static List<FgaScenario> listObjectsMatrix(String model, List<Map<String, Object>> tests)
            throws LoadException {
        List<FgaScenario> scenarios = new ArrayList<>();
        for (Map<String, Object> test : tests) {
            String name = text(test.get("name"), "tests[].name");
            scenarios.add(new FgaScenario(name, model, maps(test.get("tuples"), name), assertions(name, test, false)));
        }
        return scenarios;
    }

    /** The assertions of a stage (or matrix test); {@code derive}: add the matrix's derived lookups. */
    private static List<Assertion> assertions(String name, Map<String, Object> stage, boolean derive)
            throws LoadException {
        List<Assertion> out = new ArrayList<>();
        for (Map<String, Object> a : maps(stage.get("checkAssertions"), name + ".checkAssertions")) {
            Map<String, Object> tuple = map(a.get("tuple"), name + ".checkAssertions[].tuple");
            String object = text(tuple.get("object"), "tuple.object");
            String relation = text(tuple.get("relation"), "tuple.relation");
            String user = text(tuple.get("user"), "tuple.user");
            String label = name + (a.get("name") == null ? "" : "/" + a.get("name")) + ": check " + object + "#"
                    + relation + "@" + user;
            Map<String, Object> context = contextOf(a);
            List<Map<String, Object>> contextual = maps(a.get("contextualTuples"), label + ".contextualTuples");
            Expect expect = expect(a, "errorCode");
            out.add(new Check(label, object, relation, user, context, contextual, expect));
            if (derive) {
                boolean allowed = expect instanceof Answer answer && answer.allowed();
                String type = object.substring(0, Math.max(0, object.indexOf(':')));
                Expect objects = derived(a, "listObjectsErrorCode", expect, new Contains(object, allowed));
                out.add(new ListObjects(
                        label + " (as list-objects)", user, type, relation, context, contextual, objects));
                String userType = user.substring(0, Math.max(0, user.indexOf(':')));
                int hash = user.indexOf('#');
                String filter = hash < 0 ? userType : userType + user.substring(hash);
                Expect users = derived(a, "listUsersErrorCode", expect, new Contains(user, allowed));
                out.add(new ListUsers(
                        label + " (as list-users)",
                        object,
                        relation,
                        List.of(filter),
                        context,
                        contextual,
                        users,
                        true));
            }
        }
        for (Map<String, Object> a : maps(stage.get("listObjectsAssertions"), name + ".listObjectsAssertions")) {
            Map<String, Object> request = map(a.get("request"), "listObjectsAssertions[].request");
            String user = text(request.get("user"), "request.user");
            String type = text(request.get("type"), "request.type");
            String relation = text(request.get("relation"), "request.relation");
            out.add(new ListObjects(
                    name + ": list-objects " + type + "#" + relation + " for " + user,
                    user,
                    type,
                    relation,
                    contextOf(request, a),
                    contextualTuples(request, a),
                    expect(a, "errorCode")));
        }
        for (Map<String, Object> a : maps(stage.get("listUsersAssertions"), name + ".listUsersAssertions")) {
            Map<String, Object> request = map(a.get("request"), "listUsersAssertions[].request");
            String object = text(request.get("object"), "request.object");
            String relation = text(request.get("relation"), "request.relation");
            List<String> filters = new ArrayList<>();
            for (Object f : list(request.get("filters"), "request.filters")) {
                filters.add(String.valueOf(f));
            }
            out.add(new ListUsers(
                    name + ": list-users " + object + "#" + relation + " of " + String.join(", ", filters),
                    object,
                    relation,
                    List.copyOf(filters),
                    contextOf(request, a),
                    contextualTuples(request, a),
                    expect(a, "errorCode"),
                    false));
        }
        return List.copyOf(out);
    }

    private static Expect derived(Map<String, Object> a, String key, Expect check, Expect otherwise) {
        if (a.get(key) != null) {
            return new ErrorCode(((Number) a.get(key)).intValue());
        }
        return check instanceof ErrorCode ? check : otherwise;
    }

    private static Expect expect(Map<String, Object> a, String errorKey) throws LoadException {
        if (a.get(errorKey) instanceof Number code) {
            return new ErrorCode(code.intValue());
        }
        Object expectation = a.get("expectation");
        if (expectation instanceof Boolean allowed) {
            return new Answer(allowed);
        }
        Set<String> items = new LinkedHashSet<>();
        for (Object item : list(expectation, "expectation")) {
            items.add(String.valueOf(item));
        }
        return new Exactly(Set.copyOf(items));
    }

    private static List<FgaScenario> store(Path file, Map<String, Object> root, List<Map<String, Object>> tests)
            throws LoadException {
        String model;
        if (root.get("model_file") != null) {
            Path modelFile = file.resolveSibling(text(root.get("model_file"), "model_file"));
            if (modelFile.getFileName().toString().equals("fga.mod")) {
                model = FgaModules.compose(modelFile);
            } else {
                model = read(modelFile);
            }
        } else {
            model = text(root.get("model"), "model");
        }
        List<Map<String, Object>> storeTuples = new ArrayList<>(maps(root.get("tuples"), "tuples"));
        if (root.get("tuple_file") != null) {
            storeTuples.addAll(
                    maps(readYaml(file.resolveSibling(text(root.get("tuple_file"), "tuple_file"))), "tuple_file"));
        }
        List<FgaScenario> scenarios = new ArrayList<>();
        for (Map<String, Object> test : tests) {
            String name = file.getFileName() + "/"
                    + (test.get("name") == null ? "test " + (scenarios.size() + 1) : test.get("name"));
            List<Map<String, Object>> tuples = new ArrayList<>(storeTuples);
            tuples.addAll(maps(test.get("tuples"), name + ".tuples"));
            scenarios.add(new FgaScenario(name, model, List.copyOf(tuples), storeAssertions(name, test)));
        }
        return scenarios;
    }

    /** A store test's {@code check}, {@code list_objects} and {@code list_users}, one assertion per relation. */
    private static List<Assertion> storeAssertions(String name, Map<String, Object> test) throws LoadException {
        List<Assertion> out = new ArrayList<>();
        for (Map<String, Object> c : maps(test.get("check"), name + ".check")) {
            String user = text(c.get("user"), "check[].user");
            String object = text(c.get("object"), "check[].object");
            for (Map.Entry<String, Object> e :
                    map(c.get("assertions"), "check[].assertions").entrySet()) {
                out.add(new Check(
                        name + ": check " + object + "#" + e.getKey() + "@" + user,
                        object,
                        e.getKey(),
                        user,
                        contextOf(c),
                        maps(c.get("contextual_tuples"), name + ".contextual_tuples"),
                        new Answer(Boolean.TRUE.equals(e.getValue()))));
            }
        }
        for (Map<String, Object> c : maps(test.get("list_objects"), name + ".list_objects")) {
            String user = text(c.get("user"), "list_objects[].user");
            String type = text(c.get("type"), "list_objects[].type");
            for (Map.Entry<String, Object> e :
                    map(c.get("assertions"), "list_objects[].assertions").entrySet()) {
                Set<String> items = new LinkedHashSet<>();
                for (Object item : list(e.getValue(), "list_objects[].assertions." + e.getKey())) {
                    items.add(String.valueOf(item));
                }
                out.add(new ListObjects(
                        name + ": list-objects " + type + "#" + e.getKey() + " for " + user,
                        user,
                        type,
                        e.getKey(),
                        contextOf(c),
                        maps(c.get("contextual_tuples"), name + ".contextual_tuples"),
                        new Exactly(Set.copyOf(items))));
            }
        }
        for (Map<String, Object> c : maps(test.get("list_users"), name + ".list_users")) {
            String object = text(c.get("object"), "list_users[].object");
            List<String> filters = new ArrayList<>();
            for (Map<String, Object> f : maps(c.get("user_filter"), "list_users[].user_filter")) {
                String type = text(f.get("type"), "user_filter[].type");
                filters.add(f.get("relation") == null ? type : type + "#" + f.get("relation"));
            }
            for (Map.Entry<String, Object> e :
                    map(c.get("assertions"), "list_users[].assertions").entrySet()) {
                Set<String> items = new LinkedHashSet<>();
                for (Object item :
                        list(map(e.getValue(), "assertions." + e.getKey()).get("users"), "users")) {
                    items.add(String.valueOf(item));
                }
                out.add(new ListUsers(
                        name + ": list-users " + object + "#" + e.getKey() + " of " + String.join(", ", filters),
                        object,
                        e.getKey(),
                        List.copyOf(filters),
                        contextOf(c),
                        maps(c.get("contextual_tuples"), name + ".contextual_tuples"),
                        new Exactly(Set.copyOf(items)),
                        false));
            }
        }
        return List.copyOf(out);
    }

    /** The contextual tuples of a lookup assertion: in its request, or beside it. */
    private static List<Map<String, Object>> contextualTuples(Map<String, Object> request, Map<String, Object> a)
            throws LoadException {
        Object tuples =
                request.get("contextualTuples") != null ? request.get("contextualTuples") : a.get("contextualTuples");
        return List.copyOf(maps(tuples, "contextualTuples"));
    }

    @SafeVarargs
    private static Map<String, Object> contextOf(Map<String, Object>... sources) throws LoadException {
        for (Map<String, Object> source : sources) {
            if (source.get("context") != null) {
                return map(source.get("context"), "context");
            }
        }
        return Map.of();
    }

    private static String read(Path file) throws LoadException {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new LoadException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static Object read(String text, String what) throws LoadException {
        try {
            return YAML.readValue(text, Object.class);
        } catch (IOException e) {
            throw new LoadException(what + " is not valid YAML: " + e.getMessage());
        }
    }

    private static Object readYaml(Path file) throws LoadException {
        return read(read(file), file.toString());
    }

    private static String text(Object value, String what) throws LoadException {
        if (value == null) {
            throw new LoadException("`" + what + "` is missing");
        }
        return String.valueOf(value);
    }

    private static List<?> list(Object value, String what) throws LoadException {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> items)) {
            throw new LoadException("`" + what + "` must be a list");
        }
        return items;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) throws LoadException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new LoadException("`" + what + "` must be a mapping");
        }
        return (Map<String, Object>) m;
    }

    private static List<Map<String, Object>> maps(Object value, String what) throws LoadException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object item : list(value, what)) {
            out.add(map(item, what + "[]"));
        }
        return out;
    }
}
