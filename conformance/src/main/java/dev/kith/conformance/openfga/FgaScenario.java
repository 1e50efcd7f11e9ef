package dev.kith.conformance.openfga;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One store to build and question: an OpenFGA model, the tuples to write, and the assertions to run against
 * them. Every OpenFGA test format (staged tests, the matrices, store files) is loaded into scenarios by {@link
 * FgaSuiteLoader}.
 *
 * @param name where it comes from ({@code test/stage 2}, {@code store.fga.yaml/test name})
 * @param model the model in OpenFGA's DSL (a modular model composed into one, see {@link FgaModules})
 * @param tuples the tuples, each as {@code object}, {@code relation}, {@code user} and an optional {@code
 *     condition} ({@code name}, {@code context})
 */
record FgaScenario(String name, String model, List<Map<String, Object>> tuples, List<Assertion> assertions) {

    /** What an assertion expects. */
    sealed interface Expect permits Answer, Exactly, Contains, ErrorCode {}

    /** A check's answer: allowed or not. */
    record Answer(boolean allowed) implements Expect {}

    /** A lookup's complete answer, as OpenFGA strings ({@code document:1}, {@code user:*}, {@code group:x#member}). */
    record Exactly(Set<String> items) implements Expect {}

    /** A lookup's answer contains {@code item}, or does not. */
    record Contains(String item, boolean present) implements Expect {}

    /** An OpenFGA error code ({@code 2000} validation error, {@code 2027} invalid tuple, …). */
    record ErrorCode(int code) implements Expect {}

    /** One assertion; {@code label} says which, for failure messages. */
    sealed interface Assertion permits Check, ListObjects, ListUsers {
        String label();

        Map<String, Object> context();

        /**
         * The contextual tuples it sends (in the shape of {@code tuples}), sent to kith as contextual relationships;
         * empty for none.
         */
        List<Map<String, Object>> contextualTuples();

        Expect expect();
    }

    /** A check of {@code object#relation@user}. */
    record Check(
            String label,
            String object,
            String relation,
            String user,
            Map<String, Object> context,
            List<Map<String, Object>> contextualTuples,
            Expect expect)
            implements Assertion {}

    /** A list-objects call: the objects of {@code type} on which {@code user} has {@code relation}. */
    record ListObjects(
            String label,
            String user,
            String type,
            String relation,
            Map<String, Object> context,
            List<Map<String, Object>> contextualTuples,
            Expect expect)
            implements Assertion {}

    /**
     * A list-users call: the users matching {@code filters} ({@code user}, {@code group#member}) with {@code
     * relation} on {@code object}. {@code skipIfWildcard}: the OpenFGA matrix skips a derived containment test
     * when the answer holds a wildcard.
     */
    record ListUsers(
            String label,
            String object,
            String relation,
            List<String> filters,
            Map<String, Object> context,
            List<Map<String, Object>> contextualTuples,
            Expect expect,
            boolean skipIfWildcard)
            implements Assertion {}
}
