package dev.kith.validation;

import dev.kith.engine.Consistency;
import dev.kith.engine.Engine;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.SubjectRef;
import java.util.List;
import java.util.Map;

/**
 * What a validation file runs against: an {@link Engine} in the process ({@link #of(Engine)}), or anything
 * else that can take a schema and relationships and answer checks and expands, such as a client of kith's HTTP
 * API. One target serves one file, starting empty. Methods throw an exception whose message says what went
 * wrong (a {@link dev.kith.engine.KithException} for an engine); the runner reports it as that test's failure.
 */
public interface ValidationTarget extends AutoCloseable {
    void writeSchema(String schemaText);

    /** Creates all of {@code relationships} (they are distinct). */
    void importRelationships(List<Relationship> relationships);

    /** A check that sees every write made before it. */
    Results.Check check(ObjectRef resource, String permission, SubjectRef subject, Map<String, Object> context);

    /** The root of the (non-recursive) expand tree of {@code resource#relation}, seeing every earlier write. */
    Results.ExpandNode expand(ObjectRef resource, String relation);

    @Override
    void close();

    /** A target over {@code engine}: reads are at least as fresh as the last write; closing closes the engine. */
    static ValidationTarget of(Engine engine) {
        return new ValidationTarget() {
            private Consistency fresh = Consistency.FULLY_CONSISTENT;

            @Override
            public void writeSchema(String schemaText) {
                fresh = new Consistency.AtLeastAsFresh(engine.writeSchema(schemaText));
            }

            @Override
            public void importRelationships(List<Relationship> relationships) {
                fresh = new Consistency.AtLeastAsFresh(engine.importBulk(relationships.iterator()));
            }

            @Override
            public Results.Check check(
                    ObjectRef resource, String permission, SubjectRef subject, Map<String, Object> context) {
                return engine.check(new Requests.Check(resource, permission, subject, context, fresh, false));
            }

            @Override
            public Results.ExpandNode expand(ObjectRef resource, String relation) {
                return engine.expand(new Requests.Expand(resource, relation, fresh))
                        .root();
            }

            @Override
            public void close() {
                engine.close();
            }
        };
    }
}
