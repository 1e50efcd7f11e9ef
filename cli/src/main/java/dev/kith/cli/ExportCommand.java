package dev.kith.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.client.KithClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kith export}: prints every relationship of a running server, one compact relationship per line. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Print every relationship of a running kith server, one per line (re-importable).")
final class ExportCommand extends ClientCommand {
    @Option(
            names = "--cursor",
            description = "Resume after this cursor (an afterResultCursor token of an earlier export).")
    String cursor;

    @Override
    int run(KithClient client, PrintWriter out) {
        ObjectNode body = client.mapper().createObjectNode();
        if (cursor != null) body.putObject("optionalCursor").put("token", cursor);
        client.stream("/v1/relationships/exportbulk", body, page -> {
            for (JsonNode r : page.path("relationships")) out.println(Wire.relationship(client.mapper(), r));
        });
        return 0;
    }
}
