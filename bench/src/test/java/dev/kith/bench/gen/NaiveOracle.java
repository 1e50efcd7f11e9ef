package dev.kith.bench.gen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.bench.data.DatasetReader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately naive reading of a generated relationships file, for cross-checking the generators' own ground
 * truth: stored subjects by {@code type:id#relation}, subject sets expanded recursively, caveats evaluated from the
 * stored JSON with {@code InetAddress} and {@code Instant}. Shares no code with the generators.
 */
final class NaiveOracle {
    private static final Pattern LINE = Pattern.compile(
            "([a-z_]+):([^#]+)#([a-z_]+)@([a-z_]+):([^#\\[]+)(?:#([a-z_]+))?(?:\\[([a-z_]+):(\\{.*\\})\\])?");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Stored(String type, String id, String relation, String caveat, JsonNode context) {}

    /** The request context of a check; {@code null} means "no context: caveated tuples count as conditional". */
    record Context(String clientIp, Instant now) {}

    private final Map<String, List<Stored>> tuples = new HashMap<>();
    private final Map<String, Set<String>> objects = new HashMap<>();

    static NaiveOracle load(Path relationships) throws IOException {
        NaiveOracle oracle = new NaiveOracle();
        DatasetReader.forEachRelationship(relationships, (line, number) -> {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalStateException("oracle cannot read line " + number + ": " + line);
            }
            JsonNode context = null;
            if (m.group(8) != null) {
                try {
                    context = JSON.readTree(m.group(8));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            oracle.tuples
                    .computeIfAbsent(m.group(1) + ":" + m.group(2) + "#" + m.group(3), k -> new ArrayList<>())
                    .add(new Stored(m.group(4), m.group(5), m.group(6) == null ? "" : m.group(6), m.group(7), context));
            oracle.objects.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
        });
        return oracle;
    }

    /** The ids of every object of {@code type} that appears as a resource. */
    Set<String> objects(String type) {
        return objects.getOrDefault(type, Set.of());
    }

    /** The stored subjects of {@code object#relation} (caveat ignored). */
    List<Stored> stored(String object, String relation) {
        return tuples.getOrDefault(object + "#" + relation, List.of());
    }

    /** Whether subject {@code sType:sId[#sRel]} is in {@code object#relation}, expanding subject sets. */
    boolean member(String object, String relation, String sType, String sId, String sRel, Context context) {
        return member(object, relation, sType, sId, sRel, context, new HashSet<>());
    }

    private boolean member(
            String object, String relation, String sType, String sId, String sRel, Context context, Set<String> path) {
        if (!sRel.isEmpty() && object.equals(sType + ":" + sId) && relation.equals(sRel)) {
            return true;
        }
        if (!path.add(object + "#" + relation)) {
            return false;
        }
        for (Stored s : stored(object, relation)) {
            if (!caveatHolds(s, context)) {
                continue;
            }
            if (s.type.equals(sType)
                    && s.relation.equals(sRel)
                    && (s.id.equals(sId) || (s.id.equals("*") && sRel.isEmpty()))) {
                return true;
            }
            if (!s.relation.isEmpty() && member(s.type + ":" + s.id, s.relation, sType, sId, sRel, context, path)) {
                return true;
            }
        }
        path.remove(object + "#" + relation);
        return false;
    }

    private static boolean caveatHolds(Stored s, Context context) {
        if (s.caveat == null || context == null) {
            return true;
        }
        return switch (s.caveat) {
            case "in_network" ->
                inCidr(context.clientIp, s.context.get("network").asText());
            case "in_window" ->
                !context.now.isBefore(Instant.parse(s.context.get("not_before").asText()))
                        && context.now.isBefore(
                                Instant.parse(s.context.get("not_after").asText()));
            default -> throw new IllegalStateException("unknown caveat " + s.caveat);
        };
    }

    private static boolean inCidr(String ip, String cidr) {
        try {
            byte[] address = InetAddress.getByName(ip).getAddress();
            String[] parts = cidr.split("/");
            byte[] network = InetAddress.getByName(parts[0]).getAddress();
            int bits = Integer.parseInt(parts[1]);
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
