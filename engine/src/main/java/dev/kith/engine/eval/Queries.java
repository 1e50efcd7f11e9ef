package dev.kith.engine.eval;

import dev.kith.engine.KithException;
import dev.kith.engine.KithException.NotFound;
import dev.kith.engine.KithException.Part;
import dev.kith.engine.KithException.Where;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipParser;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.SubjectRef;
import dev.kith.engine.index.Index;
import dev.kith.schema.Definition;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The read side of the engine: answers read, check, expand and both lookups over the index at a revision and
 * schema the caller has already pinned (the runtime's request binding chooses them from the consistency mode or
 * the cursor). Turns the request's names into interned ids at the edge, then hands the ids to one evaluator.
 *
 * <p>Thread-safe: each thread reuses its own {@link CheckEvaluator}; the lookup-resources depth bounds of the
 * last (schema, revision) are shared and replaced, never changed.
 */
public final class Queries {
    private final Index index;
    private final int depthLimit;
    private final Clock clock;
    private final ThreadLocal<CheckEvaluator> checkers;
    /** The depth bounds of the last (schema, revision) a lookup-resources ran at; replaced, never changed. */
    private volatile DepthBounds depthBounds;
    /** The last revision a check answered at, handed out again while it is current. */
    private volatile Revision lastRevision = Revision.ZERO;

    public Queries(Index index, int depthLimit, Clock clock) {
        this.index = index;
        this.depthLimit = depthLimit;
        this.clock = clock;
        this.checkers = ThreadLocal.withInitial(() -> new CheckEvaluator(clock));
    }

    /** Matches every relationship: the index scans all types, in name order. */
    private static final RelationshipFilter EVERYTHING = new RelationshipFilter(null, null, null, null, null);

    /** One page of the relationships matching the read's filter, from {@code start}'s position. */
    public Results.Page<Results.ReadRelationship> read(
            CompiledSchema schema, Cursors.Cursor start, Requests.ReadRelationships read) {
        RelationshipValidator.validateFilter(schema, read.filter(), -1);
        return scan(Cursors.READ, start, read.filter(), read.limit());
    }

    /**
     * One page of an export from {@code start}'s position: every relationship, or those matching its filter.
     * {@code schema} may be null (no schema written yet) only for an export without a filter, which then finds
     * nothing.
     */
    public Results.Page<Results.ReadRelationship> export(
            CompiledSchema schema, Cursors.Cursor start, Requests.Export export) {
        RelationshipFilter filter = export.filter() == null ? EVERYTHING : export.filter();
        if (export.filter() != null) RelationshipValidator.validateFilter(schema, filter, -1);
        return scan(Cursors.EXPORT, start, filter, export.limit());
    }

    /** Up to {@code limit} (0: all) relationships matching {@code filter} after {@code start}, with cursors of {@code kind}. */
    private Results.Page<Results.ReadRelationship> scan(
            String kind, Cursors.Cursor start, RelationshipFilter filter, int limit) {
        long rev = start.revision();
        Relationship after = start.position() == null ? null : Cursors.relationshipPosition(start);
        List<Results.ReadRelationship> out = new ArrayList<>();
        index.scan(filter, rev, now(), after, r -> {
            out.add(new Results.ReadRelationship(r, Cursors.ofRelationship(kind, rev, r)));
            return limit == 0 || out.size() < limit;
        });
        String next = limit > 0 && out.size() == limit ? out.getLast().afterCursor() : null;
        return new Results.Page<>(out, new Revision(rev), next);
    }

    public Results.Check check(CompiledSchema schema, long rev, Requests.Check check) {
        // packed (pair, id) keys instead of Target/Subject records, and a shared Revision: a check allocated
        // four objects besides its result (JFR allocation samples, github 1.01M, 2026-11-26)
        long target = targetKey(schema, check.resource(), check.permission());
        long subject = subjectKey(schema, check.subject(), check.resource(), Index.keyId(target));
        CheckEvaluator c = checkers.get();
        c.reset(
                index,
                schema,
                rev,
                null,
                check.context(),
                depthLimit,
                Index.keyPair(subject),
                Index.keyId(subject),
                check.subject().relation() == null,
                check.withTracing());
        int r = c.check(Index.keyPair(target), Index.keyId(target));
        List<String> missing = r == Tri.CONDITIONAL ? c.missing() : List.of();
        return new Results.Check(Tri.toPermissionship(r), missing, revision(rev), c.trace());
    }

    public Results.Expand expand(CompiledSchema schema, long rev, Requests.Expand expand) {
        Target t = target(schema, expand.resource(), expand.permission());
        Results.ExpandNode root =
                new ExpandEvaluator(index, schema, rev, now(), depthLimit).expand(t.pair(), t.object(), expand);
        return new Results.Expand(root, new Revision(rev));
    }

    public Results.Page<Results.LookupResource> lookupResources(
            CompiledSchema schema, Cursors.Cursor at, Requests.LookupResources lookup) {
        long rev = at.revision();
        int after = at.position() == null ? -1 : Cursors.intPosition(at);
        Target t = target(schema, new ObjectRef(lookup.resourceType(), "x"), lookup.permission());
        Subject s = subject(schema, lookup.subject(), null, -1);
        LookupResourcesEvaluator lr = new LookupResourcesEvaluator(
                index, schema, rev, now(), depthLimit, checkers.get(), depthBounds(schema, rev));
        String unstoredSelf = s.id() < 0 && lookup.subject().type().equals(lookup.resourceType())
                ? lookup.subject().id()
                : null;
        return lr.lookup(t.pair(), s, unstoredSelf, lookup.context(), after, lookup.limit());
    }

    public Results.Page<Results.LookupSubject> lookupSubjects(
            CompiledSchema schema, Cursors.Cursor at, Requests.LookupSubjects lookup) {
        long rev = at.revision();
        String after = at.position();
        Target t = target(schema, lookup.resource(), lookup.permission());
        Definition sd = schema.schema.definition(lookup.subjectType());
        if (sd == null) throw NotFound.type(Where.request(Part.SUBJECT_TYPE), lookup.subjectType(), null);
        int subjectRelation = Index.NO_RELATION;
        if (lookup.subjectRelation() != null) {
            if (sd.relation(lookup.subjectRelation()) == null) {
                throw NotFound.relation(
                        Where.request(Part.SUBJECT_RELATION), lookup.subjectRelation(), sd.name(), null);
            }
            subjectRelation = index.findRelation(lookup.subjectRelation());
        }
        int subjectPair = index.findPair(index.findType(sd.name()), subjectRelation);
        LookupSubjectsEvaluator ls = new LookupSubjectsEvaluator(index, schema, rev, now(), depthLimit, checkers.get());
        int limit = lookup.limit();
        if (!lookup.excludeWildcards()) {
            return ls.lookup(t.pair(), t.object(), lookup.resource(), subjectPair, lookup.context(), after, limit);
        }
        // One more than the limit: the wildcard, if on this page, is dropped and the page is still full.
        Results.Page<Results.LookupSubject> page = ls.lookup(
                t.pair(),
                t.object(),
                lookup.resource(),
                subjectPair,
                lookup.context(),
                after,
                limit == 0 || limit == Integer.MAX_VALUE ? limit : limit + 1);
        List<Results.LookupSubject> concrete = new ArrayList<>(page.items().size());
        for (Results.LookupSubject s : page.items()) {
            if (!SubjectRef.WILDCARD.equals(s.subjectId())) concrete.add(s);
        }
        if (limit == 0) return new Results.Page<>(concrete, page.revision(), null);
        boolean more = page.nextCursor() != null || concrete.size() > limit;
        if (concrete.size() > limit) concrete = concrete.subList(0, limit);
        String next = more && !concrete.isEmpty() ? concrete.getLast().afterCursor() : null;
        return new Results.Page<>(concrete, page.revision(), next);
    }

    private Instant now() {
        return clock.instant();
    }

    /** A {@link Revision} of {@code rev}, shared by the checks at one revision (records compare by value). */
    private Revision revision(long rev) {
        Revision r = lastRevision;
        if (r.value() != rev) lastRevision = r = new Revision(rev);
        return r;
    }

    private DepthBounds depthBounds(CompiledSchema schema, long rev) {
        DepthBounds b = depthBounds;
        if (b == null || !b.isFor(schema, rev)) depthBounds = b = new DepthBounds(index, schema, rev);
        return b;
    }

    // ---- request edges: names to ids

    /** A resource (pair, object id); an id never stored gets -2, which matches nothing stored. */
    record Target(int pair, int object) {}

    /** A subject as (pair, id); see {@link #subject}. */
    record Subject(int pair, int id, boolean isObject) {}

    private Target target(CompiledSchema schema, ObjectRef resource, String permission) {
        long key = targetKey(schema, resource, permission);
        return new Target(Index.keyPair(key), Index.keyId(key));
    }

    /** {@link #target} as {@link Index#key}{@code (pair, object)}. */
    private long targetKey(CompiledSchema schema, ObjectRef resource, String permission) {
        CompiledSchema.TypeIds t = schema.type(resource.type());
        if (t == null) throw NotFound.type(Where.request(Part.RESOURCE_TYPE), resource.type(), null);
        Integer pair = t.pairs().get(permission);
        if (pair == null) throw NotFound.relation(Where.request(Part.RELATION), permission, resource.type(), null);
        if (!RelationshipParser.isObjectId(resource.id())) {
            throw KithException.InvalidArgument.at(
                    Where.request(Part.RESOURCE_ID), "'" + resource.id() + "' is not a valid object id");
        }
        int object = index.findObject(t.type(), resource.id());
        return Index.key(pair, object < 0 ? -2 : object);
    }

    /**
     * The subject's (pair, id). An id never stored gets -3, or the resource's id when the subject is the
     * resource itself (so {@code self} and trivial membership still hold for ids never written).
     */
    private Subject subject(CompiledSchema schema, SubjectRef s, ObjectRef resource, int resourceObject) {
        long key = subjectKey(schema, s, resource, resourceObject);
        return new Subject(Index.keyPair(key), Index.keyId(key), s.relation() == null);
    }

    /** {@link #subject}'s (pair, id) as {@link Index#key}. */
    private long subjectKey(CompiledSchema schema, SubjectRef s, ObjectRef resource, int resourceObject) {
        CompiledSchema.TypeIds t = schema.type(s.type());
        if (t == null) throw NotFound.type(Where.request(Part.SUBJECT_TYPE), s.type(), null);
        int pair = t.selfPair();
        if (s.relation() != null) {
            Integer p = t.pairs().get(s.relation());
            pair = p == null ? -1 : p;
        }
        if (pair < 0) throw NotFound.relation(Where.request(Part.SUBJECT_RELATION), s.relation(), s.type(), null);
        if (!s.isWildcard() && !RelationshipParser.isObjectId(s.id())) {
            throw KithException.InvalidArgument.at(
                    Where.request(Part.SUBJECT_ID), "'" + s.id() + "' is not a valid object id");
        }
        int id = index.findObject(t.type(), s.id());
        if (id < 0) {
            id = resource != null
                            && resource.type().equals(s.type())
                            && resource.id().equals(s.id())
                    ? resourceObject
                    : -3;
        }
        return Index.key(pair, id);
    }
}
