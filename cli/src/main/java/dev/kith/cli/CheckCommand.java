package dev.kith.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.client.KithClient;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipParser;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kith check resource#permission@subject}: asks a running server and prints the answer and the token
 * it was computed at. Exit status 0 for HAS_PERMISSION, 2 for NO_PERMISSION, 3 for CONDITIONAL_PERMISSION, 1
 * for an error.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = "Check a permission on a running kith server: type:id#permission@type:id[#relation].")
final class CheckCommand extends ClientCommand {
    @Parameters(paramLabel = "CHECK", description = "e.g. document:readme#view@user:alice")
    String check;

    @Option(names = "--context", description = "Caveat context as a JSON object.")
    String context;

    @Option(names = "--at-least-as-fresh", paramLabel = "TOKEN", description = "Answer at least as fresh as TOKEN.")
    String token;

    @Option(names = "--fully-consistent", description = "Answer at the store's newest revision.")
    boolean fullyConsistent;

    @Option(names = "--explain", description = "Print the debug trace of the decision.")
    boolean explain;

    @Override
    int run(KithClient client, PrintWriter out) {
        Relationship r = RelationshipParser.parse(check);
        ObjectNode body = client.mapper().createObjectNode();
        body.set("resource", Wire.objectRef(client.mapper(), r.resource()));
        body.put("permission", r.relation());
        body.set("subject", Wire.subjectRef(client.mapper(), r.subject()));
        if (context != null)
            body.set("context", client.mapper().valueToTree(RelationshipParser.parseContext(context, "--context")));
        if (token != null)
            body.putObject("consistency").putObject("atLeastAsFresh").put("token", token);
        else if (fullyConsistent) body.putObject("consistency").put("fullyConsistent", true);
        if (explain) body.put("withTracing", true);
        JsonNode answer = client.post("/v1/permissions/check", body);
        String p = answer.path("permissionship").asText().replace("PERMISSIONSHIP_", "");
        StringBuilder line = new StringBuilder(p);
        JsonNode missing = answer.path("partialCaveatInfo").path("missingRequiredContext");
        if (missing.isArray() && !missing.isEmpty())
            line.append(" missing context: ").append(missing);
        line.append(" (at ")
                .append(answer.path("checkedAt").path("token").asText())
                .append(')');
        out.println(line);
        if (explain && answer.has("debugTrace"))
            out.println(answer.get("debugTrace").toPrettyString());
        return switch (p) {
            case "HAS_PERMISSION" -> 0;
            case "CONDITIONAL_PERMISSION" -> 3;
            default -> 2;
        };
    }
}
