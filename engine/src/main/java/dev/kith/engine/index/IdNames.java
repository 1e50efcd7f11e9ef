package dev.kith.engine.index;

import dev.kith.engine.Caveat;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.SubjectRef;
import java.time.Instant;

/**
 * The names of interned ids: types, relations, pairs (type, relation) and objects. {@link Index} answers them
 * for everything it interned; a snapshot of the evaluators answers them for what it can return. The
 * relationships and usersets built from ids are derived here once, for both.
 */
public interface IdNames {
    String typeName(int type);

    String relationName(int relation);

    int pairType(int pair);

    int pairRelation(int pair);

    String objectName(int type, int id);

    /** The relationship of one forward entry ((pair, object), a subject key and its condition), as names. */
    default Relationship relationship(int pair, int object, long subject, Condition condition) {
        int type = pairType(pair);
        int spair = Index.keyPair(subject);
        int stype = pairType(spair);
        int srel = pairRelation(spair);
        SubjectRef s = new SubjectRef(
                typeName(stype),
                objectName(stype, Index.keyId(subject)),
                srel == Index.NO_RELATION ? null : relationName(srel));
        Caveat caveat = condition == null ? null : condition.caveat();
        Instant expires = condition == null ? null : condition.expiresAt();
        return new Relationship(
                new ObjectRef(typeName(type), objectName(type, object)),
                relationName(pairRelation(pair)),
                s,
                caveat,
                expires);
    }

    /** (pair, object) as a userset, {@code type:id#relation}, for messages and traces. */
    default String describe(int pair, int object) {
        int t = pairType(pair);
        String id = object < 0 ? "(unknown)" : objectName(t, object);
        return typeName(t) + ":" + id + "#" + relationName(pairRelation(pair));
    }
}
