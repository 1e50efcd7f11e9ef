package dev.kith.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.client.KithClient;
import dev.kith.engine.KithException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kith relationships read FILTER}: prints the relationships matching {@code
 * type[:id][#relation][@subject_type[:id][#relation]]}, one per line in the compact form.
 */
@Command(
        name = "read",
        mixinStandardHelpOptions = true,
        description = "Print relationships matching FILTER: type[:id][#relation][@subject_type[:id][#relation]].")
final class RelationshipsReadCommand extends ClientCommand {
    @Parameters(paramLabel = "FILTER", description = "e.g. document, document:readme#viewer, document@user:alice")
    String filter;

    @Option(names = "--limit", description = "At most this many relationships (default: all).")
    int limit;

    @Override
    int run(KithClient client, PrintWriter out) {
        ObjectNode body = client.mapper().createObjectNode();
        body.set("relationshipFilter", filter(client, filter));
        if (limit > 0) body.put("optionalLimit", limit);
        client.stream(
                "/v1/relationships/read",
                body,
                r -> out.println(Wire.relationship(client.mapper(), r.get("relationship"))));
        return 0;
    }

    static ObjectNode filter(KithClient client, String text) {
        ObjectNode f = client.mapper().createObjectNode();
        int at = text.indexOf('@');
        String resource = at < 0 ? text : text.substring(0, at);
        String[] rel = resource.split("#", 2);
        String[] typeId = rel[0].split(":", 2);
        if (typeId[0].isEmpty()) throw new KithException.InvalidArgument("FILTER", "needs a resource type");
        f.put("resourceType", typeId[0]);
        if (typeId.length > 1 && !typeId[1].isEmpty()) f.put("optionalResourceId", typeId[1]);
        if (rel.length > 1 && !rel[1].isEmpty()) f.put("optionalRelation", rel[1]);
        if (at >= 0) {
            String[] srel = text.substring(at + 1).split("#", 2);
            String[] stypeId = srel[0].split(":", 2);
            ObjectNode sf = f.putObject("optionalSubjectFilter");
            sf.put("subjectType", stypeId[0]);
            if (stypeId.length > 1 && !stypeId[1].isEmpty()) sf.put("optionalSubjectId", stypeId[1]);
            if (srel.length > 1) sf.putObject("optionalRelation").put("relation", srel[1]);
        }
        return f;
    }
}
