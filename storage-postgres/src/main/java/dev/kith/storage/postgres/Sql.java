package dev.kith.storage.postgres;

import dev.kith.engine.Caveat;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipParser;
import dev.kith.engine.SubjectFilter;
import dev.kith.engine.SubjectRef;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The SQL shared by reads and writes: column lists, filters as WHERE clauses, rows to relationships and back. */
final class Sql {
    private Sql() {}

    /** The identity of a relationship, in the read order. */
    static final String KEY = "resource_type, resource_id, relation, subject_type, subject_id, subject_relation";

    /** The columns {@link #relationship(Row, int)} reads, starting at its offset. */
    static final String COLUMNS = KEY + ", caveat_name, caveat_context::text, expires_at";

    /** A relationship is live at the head revision. */
    static final String LIVE = "deleted_revision IS NULL";

    /** ... and has not expired by the database's clock. */
    static final String LIVE_NOW = LIVE + " AND (expires_at IS NULL OR expires_at > now())";

    /** {@code unnest} of six text arrays starting at parameter {@code $first}, as {@code k(rt, ri, rel, st, si, sr)}. */
    static String unnestKeys(int first) {
        StringBuilder b = new StringBuilder("unnest(");
        for (int i = 0; i < 6; i++) {
            if (i > 0) b.append(", ");
            b.append('$').append(first + i).append("::text[]");
        }
        return b.append(") AS k(rt, ri, rel, st, si, sr)").toString();
    }

    /** Joins table alias {@code r} to the keys {@code k} of {@link #unnestKeys}. */
    static final String KEY_MATCH = "r.resource_type = k.rt AND r.resource_id = k.ri AND r.relation = k.rel"
            + " AND r.subject_type = k.st AND r.subject_id = k.si AND r.subject_relation = k.sr";

    /** The six key arrays of {@code relationships}, in {@link #KEY} order, appended to {@code params}. */
    static void addKeyArrays(Tuple params, Collection<Relationship> relationships) {
        int n = relationships.size();
        String[][] cols = new String[6][n];
        int i = 0;
        for (Relationship r : relationships) {
            cols[0][i] = r.resource().type();
            cols[1][i] = r.resource().id();
            cols[2][i] = r.relation();
            cols[3][i] = r.subject().type();
            cols[4][i] = r.subject().id();
            cols[5][i] = subjectRelation(r.subject());
            i++;
        }
        for (String[] col : cols) params.addArrayOfString(col);
    }

    /** The nine column arrays of {@code relationships} (key, caveat name, context JSON, expiration). */
    static void addRowArrays(Tuple params, List<Relationship> relationships) {
        addKeyArrays(params, relationships);
        int n = relationships.size();
        String[] caveatNames = new String[n];
        String[] contexts = new String[n];
        OffsetDateTime[] expirations = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            Relationship r = relationships.get(i);
            Caveat c = r.caveat();
            if (c != null) {
                caveatNames[i] = c.name();
                contexts[i] = c.context().isEmpty() ? null : RelationshipParser.toJson(c.context());
            }
            if (r.expiresAt() != null) expirations[i] = r.expiresAt().atOffset(ZoneOffset.UTC);
        }
        params.addArrayOfString(caveatNames);
        params.addArrayOfString(contexts);
        params.addArrayOfOffsetDateTime(expirations);
    }

    /**
     * {@code unnest} of the nine arrays of {@link #addRowArrays} starting at parameter {@code $first}, as {@code
     * k(rt, ri, rel, st, si, sr, cn, cc, ea)}.
     */
    static String unnestRows(int first) {
        StringBuilder b = new StringBuilder("unnest(");
        for (int i = 0; i < 8; i++) b.append('$').append(first + i).append("::text[], ");
        return b.append('$')
                .append(first + 8)
                .append("::timestamptz[]) AS k(rt, ri, rel, st, si, sr, cn, cc, ea)")
                .toString();
    }

    /**
     * An INSERT of the rows of {@link #addRowArrays} (parameters 1 to 9), created at the revision in parameter
     * 10, leaving out rows whose relationship is still live.
     */
    static String insertRowsUnlessLive() {
        return "INSERT INTO kith_relationship (" + KEY + ", caveat_name, caveat_context, expires_at, created_revision)"
                + " SELECT rt, ri, rel, st, si, sr, cn, cc::jsonb, ea, $10 FROM " + unnestRows(1)
                + " WHERE NOT EXISTS (SELECT 1 FROM kith_relationship r WHERE r.deleted_revision IS NULL AND "
                + KEY_MATCH + ")";
    }

    static String subjectRelation(SubjectRef s) {
        return s.relation() == null ? "" : s.relation();
    }

    /** The relationship in the {@link #COLUMNS} of {@code row} starting at column {@code offset}. */
    static Relationship relationship(Row row, int offset) {
        String subjectRelation = row.getString(offset + 5);
        String caveatName = row.getString(offset + 6);
        Caveat caveat = null;
        if (caveatName != null) {
            String context = row.getString(offset + 7);
            Map<String, Object> map =
                    context == null ? Map.of() : RelationshipParser.parseContext(context, "stored caveat context");
            caveat = new Caveat(caveatName, map);
        }
        OffsetDateTime expires = row.getOffsetDateTime(offset + 8);
        return new Relationship(
                new ObjectRef(row.getString(offset), row.getString(offset + 1)),
                row.getString(offset + 2),
                new SubjectRef(
                        row.getString(offset + 3),
                        row.getString(offset + 4),
                        subjectRelation.isEmpty() ? null : subjectRelation),
                caveat,
                expires == null ? null : expires.toInstant());
    }

    /**
     * Appends {@code AND}-ed conditions matching {@code filter} on the columns of table alias {@code alias}
     * (empty for none), binding values as further parameters of {@code params}.
     */
    static void appendFilter(StringBuilder sql, Tuple params, RelationshipFilter filter, String alias) {
        String p = alias.isEmpty() ? "" : alias + ".";
        if (filter.resourceType() != null) equal(sql, params, p + "resource_type", filter.resourceType());
        if (filter.optionalResourceId() != null) equal(sql, params, p + "resource_id", filter.optionalResourceId());
        if (filter.optionalResourceIdPrefix() != null) {
            params.addString(likePrefix(filter.optionalResourceIdPrefix()));
            sql.append(" AND ").append(p).append("resource_id LIKE $").append(params.size());
        }
        if (filter.optionalRelation() != null) equal(sql, params, p + "relation", filter.optionalRelation());
        SubjectFilter s = filter.optionalSubjectFilter();
        if (s != null) {
            equal(sql, params, p + "subject_type", s.subjectType());
            if (s.optionalSubjectId() != null) equal(sql, params, p + "subject_id", s.optionalSubjectId());
            if (s.optionalRelation() != null) equal(sql, params, p + "subject_relation", s.optionalRelation());
        }
    }

    private static void equal(StringBuilder sql, Tuple params, String column, String value) {
        params.addString(value);
        sql.append(" AND ").append(column).append(" = $").append(params.size());
    }

    /** A LIKE pattern matching strings that start with {@code prefix} (backslash is LIKE's escape). */
    static String likePrefix(String prefix) {
        StringBuilder b = new StringBuilder(prefix.length() + 1);
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '%' || c == '_' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.append('%').toString();
    }

    /** A filter in words, for error messages. */
    static String describe(RelationshipFilter f) {
        List<String> parts = new ArrayList<>();
        if (f.resourceType() != null) parts.add("resource type " + f.resourceType());
        if (f.optionalResourceId() != null) parts.add("resource id " + f.optionalResourceId());
        if (f.optionalResourceIdPrefix() != null) parts.add("resource id prefix " + f.optionalResourceIdPrefix());
        if (f.optionalRelation() != null) parts.add("relation " + f.optionalRelation());
        SubjectFilter s = f.optionalSubjectFilter();
        if (s != null) {
            String subject = s.subjectType() + ":" + (s.optionalSubjectId() == null ? "*any*" : s.optionalSubjectId());
            if (s.optionalRelation() != null) {
                subject += s.optionalRelation().isEmpty() ? " (no relation)" : "#" + s.optionalRelation();
            }
            parts.add("subject " + subject);
        }
        return parts.isEmpty() ? "(any relationship)" : String.join(", ", parts);
    }
}
