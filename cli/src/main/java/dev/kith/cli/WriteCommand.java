package dev.kith.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.client.KithClient;
import dev.kith.engine.RelationshipParser;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kith write REL…}: writes relationships (TOUCH by default) in one atomic batch and prints the token. */
@Command(
        name = "write",
        mixinStandardHelpOptions = true,
        description = "Write relationships to a running kith server in one atomic batch; prints the token.")
final class WriteCommand extends ClientCommand {
    /** The update operations, as the API names them. */
    enum Op {
        touch,
        create,
        delete
    }

    @Parameters(paramLabel = "RELATIONSHIP", arity = "1..*", description = "e.g. document:readme#viewer@user:alice")
    List<String> relationships;

    @Option(
            names = "--operation",
            defaultValue = "touch",
            description = "touch (create or replace), create (fail if present) or delete; default ${DEFAULT-VALUE}.")
    Op operation;

    @Override
    int run(KithClient client, PrintWriter out) {
        ObjectNode body = client.mapper().createObjectNode();
        ArrayNode updates = body.putArray("updates");
        for (String text : relationships) {
            ObjectNode u = updates.addObject();
            u.put("operation", "OPERATION_" + operation.name().toUpperCase(java.util.Locale.ROOT));
            u.set("relationship", Wire.relationship(client.mapper(), RelationshipParser.parse(text)));
        }
        out.println(client.post("/v1/relationships/write", body)
                .path("writtenAt")
                .path("token")
                .asText());
        return 0;
    }
}
