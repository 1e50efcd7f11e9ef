package dev.kith.schema.openfga;

import dev.kith.schema.AllowedSubject;
import dev.kith.schema.CaveatDef;
import dev.kith.schema.CaveatType;
import dev.kith.schema.Definition;
import dev.kith.schema.Diagnostic;
import dev.kith.schema.RelationDef;
import dev.kith.schema.Rewrite;
import dev.kith.schema.SchemaException;
import dev.kith.schema.SourcePosition;
import dev.kith.schema.SourceText;
import dev.kith.schema.ValidatedSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A validated kith schema as an OpenFGA model (schema 1.1), or every construct OpenFGA cannot express, each a
 * {@link Diagnostic} at the kith line that holds it: nothing is translated into something that means another
 * thing. Definitions become types, relations {@code define r: [...]}, permissions {@code define p: ...} with
 * {@code +}, {@code &}, {@code -} and {@code ->} as {@code or}, {@code and}, {@code but not} and {@code from}, caveats
 * conditions with the same CEL.
 */
final class KithToOpenFga {
    /** Words of OpenFGA's language that cannot name a type, relation or condition there. */
    private static final Set<String> RESERVED = Set.of(
            "model",
            "schema",
            "type",
            "relations",
            "define",
            "condition",
            "or",
            "and",
            "but",
            "not",
            "from",
            "with",
            "self",
            "this");

    private final ValidatedSchema schema;
    private final SourceText source;
    private final List<Diagnostic> problems = new ArrayList<>();

    private KithToOpenFga(ValidatedSchema schema, SourceText source) {
        this.schema = schema;
        this.source = source;
    }

    static String translate(ValidatedSchema schema, SourceText source) throws SchemaException {
        KithToOpenFga t = new KithToOpenFga(schema, source);
        String model = t.model();
        SchemaException.throwIfAny(t.problems);
        return model;
    }

    private void refuse(SourcePosition at, String message) {
        problems.add(source.diagnostic(at == null ? source.position(1, 1) : at, message));
    }

    private String name(String kind, String name, SourcePosition at) {
        if (RESERVED.contains(name)) {
            refuse(at, kind + " `" + name + "` is a keyword of OpenFGA's language; rename it to convert");
        }
        return name;
    }

    private String model() {
        StringBuilder out = new StringBuilder("model\n  schema 1.1\n");
        for (Definition d : schema.definitions().values()) {
            out.append('\n')
                    .append("type ")
                    .append(name("the definition", d.name(), d.position()))
                    .append('\n');
            if (d.relations().isEmpty()) continue;
            out.append("  relations\n");
            for (RelationDef r : d.relations().values()) {
                String where = d.name() + "#" + r.name();
                out.append("    define ")
                        .append(name("the relation", r.name(), r.position()))
                        .append(": ")
                        .append(r.isPermission() ? expression(d, r.rewrite(), r, false) : directTypes(where, r))
                        .append('\n');
            }
        }
        for (CaveatDef c : schema.caveats().values()) {
            StringJoiner params = new StringJoiner(", ");
            c.parameters().forEach((p, type) -> params.add(p + ": " + type(c, p, type)));
            out.append('\n')
                    .append("condition ")
                    .append(name("the caveat", c.name(), c.position()))
                    .append('(')
                    .append(params)
                    .append(") {\n  ")
                    .append(c.expression().strip().replace("\n", "\n  "))
                    .append("\n}\n");
        }
        return out.toString();
    }

    private String directTypes(String where, RelationDef r) {
        StringJoiner types = new StringJoiner(", ", "[", "]");
        for (AllowedSubject s : r.allowedSubjects()) {
            if (s.expiration()) {
                refuse(
                        r.position(),
                        "relation " + where + " allows expiring subjects (`with expiration`), which OpenFGA cannot"
                                + " express");
            }
            String type = s.type() + (s.wildcard() ? ":*" : s.relation() == null ? "" : "#" + s.relation());
            types.add(s.caveat() == null ? type : type + " with " + s.caveat());
        }
        return types.toString();
    }

    private String expression(Definition d, Rewrite rewrite, RelationDef r, boolean nested) {
        String where = "permission " + d.name() + "#" + r.name();
        return switch (rewrite) {
            case Rewrite.ComputedUserset c -> c.relation();
            case Rewrite.TupleToUserset t -> {
                if (t.all()) {
                    refuse(
                            r.position(),
                            where + " uses `" + t.tupleset() + ".all(" + t.computed() + ")`: OpenFGA's"
                                    + " `from` is granted by any one element, it has no arrow every element must grant");
                }
                RelationDef tupleset = d.relation(t.tupleset());
                if (tupleset != null) {
                    for (AllowedSubject s : tupleset.allowedSubjects()) {
                        if (s.relation() != null || s.wildcard()) {
                            refuse(
                                    r.position(),
                                    where + " walks `" + t.tupleset() + "`, which allows `" + s.type()
                                            + (s.wildcard() ? ":*" : "#" + s.relation()) + "`: OpenFGA's `"
                                            + t.computed()
                                            + " from " + t.tupleset()
                                            + "` needs a relation of direct object types only");
                        }
                    }
                }
                yield t.computed() + " from " + t.tupleset();
            }
            case Rewrite.Union u -> group(d, u.children(), " or ", r, nested);
            case Rewrite.Intersection i -> group(d, i.children(), " and ", r, nested);
            case Rewrite.Exclusion e -> group(d, List.of(e.base(), e.subtracted()), " but not ", r, nested);
            case Rewrite.Nil n -> {
                refuse(r.position(), where + " is `nil`, which OpenFGA cannot express");
                yield "nil";
            }
            case Rewrite.Self s -> {
                refuse(r.position(), where + " uses `self`, which OpenFGA cannot express");
                yield "self";
            }
            case Rewrite.Direct direct -> {
                refuse(r.position(), where + " holds relationships directly, which a permission cannot");
                yield "";
            }
        };
    }

    private String group(Definition d, List<Rewrite> children, String operator, RelationDef r, boolean nested) {
        StringJoiner j = new StringJoiner(operator, nested ? "(" : "", nested ? ")" : "");
        for (Rewrite c : children) j.add(expression(d, c, r, true));
        return j.toString();
    }

    private String type(CaveatDef c, String parameter, CaveatType t) {
        return switch (t.kind()) {
            case ANY -> "any";
            case INT -> "int";
            case UINT -> "uint";
            case DOUBLE -> "double";
            case BOOL -> "bool";
            case STRING -> "string";
            case DURATION -> "duration";
            case TIMESTAMP -> "timestamp";
            case IPADDRESS -> "ipaddress";
            case LIST -> "list<" + type(c, parameter, t.arguments().getFirst()) + ">";
            case MAP -> "map<" + type(c, parameter, t.arguments().getFirst()) + ">";
            case BYTES -> {
                refuse(
                        c.position(),
                        "caveat " + c.name() + "'s parameter " + parameter + " is `bytes`, a type"
                                + " OpenFGA's conditions do not have");
                yield "bytes";
            }
        };
    }
}
