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
import dev.kith.engine.index.ContextualSnapshot;
import dev.kith.engine.index.Index;
import dev.kith.engine.index.Snapshot;
import dev.kith.schema.Definition;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The read side of the engine: answers read, check, expand and both lookups over the index at a revision and
 * schema the caller has already pinned (the runtime's request binding chooses them from the consistency mode or
 * the cursor). Pins a {@link Snapshot} of the index at that revision, turns the request's names into the
 * snapshot's ids at the edge, then hands the ids, the snapshot and the {@link Hops} to one evaluator.
 *
 * <p>A request that carries contextual relationships reads a {@link ContextualSnapshot} over the index's snapshot
 * instead: its relationships are validated against the schema at the request's revision as a write of them would
 * be, then laid over the index's for that request alone. Nothing kept per revision is shared between the two: the
 * depth bounds of the index's snapshot serve a contextual one only when it adds no link they were computed from,
 * and cursors of a contextual lookup name its relationships (see {@link #rebind}).
 *
 * <p>Thread-safe: each thread reuses its own {@link CheckEvaluator}; the snapshot of the last revision a request
 * ran at, the last contextual snapshot (so the items of one bulk check, which share their list, build it once)
 * and the lookup-resources depth bounds of the last (schema, snapshot) are shared and replaced, never changed, so
 * checks at one revision allocate no snapshot.
 */
public final class Queries {
    private final Index index;
    private final Hops hops;
    private final Clock clock;
    /** Wraps the index's snapshot of every request, or null: a view over the index's relationships (tests). */
    private final UnaryOperator<Snapshot> decorator;

    private final ThreadLocal<CheckEvaluator> checkers;
    /** The depth bounds of the last (schema, snapshot) a lookup-resources ran at; replaced, never changed. */
    private volatile DepthBounds depthBounds;
    /** The index's snapshot at the last revision a request ran at, handed out again while it is current. */
    private volatile Snapshot lastSnapshot;
    /** The last revision a check answered at, handed out again while it is current. */
    private volatile Revision lastRevision = Revision.ZERO;
    /** The last contextual snapshot built, handed out again for the same list over the same snapshot and schema. */
    private volatile Contextual lastContextual;

    /** A contextual snapshot, and what it was built from. */
    private record Contextual(
            CompiledSchema schema, Snapshot base, List<Relationship> relationships, ContextualSnapshot snapshot) {}

    /** Whether the evaluators answer self-recursive relations from the index's closures where it keeps them. */
    private final boolean closures;

    public Queries(Index index, int depthLimit, Clock clock) {
        this(index, depthLimit, clock, false);
    }

    /**
     * Queries whose checks answer self-recursive relations from the index's closures and whose lookups compute
     * them in one pass, when {@code closures} (the index must keep them: {@link Index#maintainClosures()}).
     */
    public Queries(Index index, int depthLimit, Clock clock, boolean closures) {
        this(index, depthLimit, clock, null, closures);
    }

    /**
     * Queries whose evaluators read {@code decorator} applied to the index's snapshot at each request's revision
     * (a snapshot that adds relationships to the index's, say) instead of that snapshot itself.
     */
    Queries(Index index, int depthLimit, Clock clock, UnaryOperator<Snapshot> decorator) {
        this(index, depthLimit, clock, decorator, false);
    }

    private Queries(Index index, int depthLimit, Clock clock, UnaryOperator<Snapshot> decorator, boolean closures) {
        this.closures = closures;
        this.index = index;
        this.hops = new Hops(depthLimit);
        this.clock = clock;
        this.decorator = decorator;
        this.lastSnapshot = Snapshot.of(index, -1);
        this.checkers = ThreadLocal.withInitial(() -> new CheckEvaluator(clock, closures));
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
        // and one snapshot per revision, not per check
        Snapshot snapshot = snapshot(schema, rev, check.contextualRelationships());
        long target = targetKey(snapshot, schema, check.resource(), check.permission());
        if (check.subject().isWildcard()) {
            // SpiceDB refuses it too: a wildcard is asked about with lookup-subjects, not check
            throw KithException.InvalidArgument.wildcardNotAllowed(
                    Where.request(Part.SUBJECT_ID), "cannot perform check on wildcard subject");
        }
        long subject = subjectKey(snapshot, schema, check.subject(), check.resource(), Snapshot.keyId(target));
        CheckEvaluator c = checkers.get();
        c.reset(
                snapshot,
                schema,
                hops,
                null,
                check.context(),
                Snapshot.keyPair(subject),
                Snapshot.keyId(subject),
                check.subject().relation() == null,
                check.withTracing());
        int r = c.check(Snapshot.keyPair(target), Snapshot.keyId(target));
        List<String> missing = r == Tri.CONDITIONAL ? c.missing() : List.of();
        return new Results.Check(Tri.toPermissionship(r), missing, revision(rev), c.trace());
    }

    public Results.Expand expand(CompiledSchema schema, long rev, Requests.Expand expand) {
        Snapshot snapshot = snapshot(schema, rev, expand.contextualRelationships());
        Target t = target(snapshot, schema, expand.resource(), expand.permission());
        Results.ExpandNode root =
                new ExpandEvaluator(snapshot, schema, now(), hops).expand(t.pair(), t.object(), expand);
        return new Results.Expand(root, new Revision(rev));
    }

    public Results.Page<Results.LookupResource> lookupResources(
            CompiledSchema schema, Cursors.Cursor at, Requests.LookupResources lookup) {
        Snapshot snapshot = snapshot(schema, at.revision(), lookup.contextualRelationships());
        String fingerprint = fingerprint(lookup.contextualRelationships());
        Target t = target(snapshot, schema, new ObjectRef(lookup.resourceType(), "x"), lookup.permission());
        int type = snapshot.pairType(t.pair());
        int after = at.position() == null ? -1 : resourcePosition(snapshot, type, at, fingerprint);
        Subject s = subject(snapshot, schema, lookup.subject(), null, -1);
        if (lookup.subject().isWildcard()) {
            throw KithException.InvalidArgument.wildcardNotAllowed(
                    Where.request(Part.SUBJECT_ID), "cannot perform lookup resources on wildcard");
        }
        LookupResourcesEvaluator lr = new LookupResourcesEvaluator(
                snapshot, schema, now(), hops, checkers.get(), depthBounds(schema, snapshot), closures);
        String unstoredSelf = s.id() < 0 && lookup.subject().type().equals(lookup.resourceType())
                ? lookup.subject().id()
                : null;
        Results.Page<Results.LookupResource> page =
                lr.lookup(t.pair(), s, unstoredSelf, lookup.context(), after, lookup.limit());
        if (fingerprint == null) return page;
        int from = ((ContextualSnapshot) snapshot).addedFrom(type);
        return rebind(page, Cursors.RESOURCES, fingerprint, position -> {
            int id = Integer.parseInt(position);
            return id >= from && id != Integer.MAX_VALUE ? ADDED + (id - from) : position;
        });
    }

    public Results.Page<Results.LookupSubject> lookupSubjects(
            CompiledSchema schema, Cursors.Cursor at, Requests.LookupSubjects lookup) {
        Snapshot snapshot = snapshot(schema, at.revision(), lookup.contextualRelationships());
        String fingerprint = fingerprint(lookup.contextualRelationships());
        String after = at.position() == null ? null : unbind(at.position(), fingerprint);
        Target t = target(snapshot, schema, lookup.resource(), lookup.permission());
        Definition sd = schema.schema.definition(lookup.subjectType());
        if (sd == null) throw NotFound.type(Where.request(Part.SUBJECT_TYPE), lookup.subjectType(), null);
        int subjectRelation = Snapshot.NO_RELATION;
        if (lookup.subjectRelation() != null) {
            if (sd.relation(lookup.subjectRelation()) == null) {
                throw NotFound.relation(
                        Where.request(Part.SUBJECT_RELATION), lookup.subjectRelation(), sd.name(), null);
            }
            subjectRelation = snapshot.findRelation(lookup.subjectRelation());
        }
        int subjectPair = snapshot.findPair(snapshot.findType(sd.name()), subjectRelation);
        LookupSubjectsEvaluator ls = new LookupSubjectsEvaluator(snapshot, schema, now(), hops, checkers.get());
        int limit = lookup.limit();
        if (!lookup.excludeWildcards()) {
            return rebind(
                    ls.lookup(t.pair(), t.object(), lookup.resource(), subjectPair, lookup.context(), after, limit),
                    fingerprint);
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
        if (limit == 0) return rebind(new Results.Page<>(concrete, page.revision(), null), fingerprint);
        boolean more = page.nextCursor() != null || concrete.size() > limit;
        if (concrete.size() > limit) concrete = concrete.subList(0, limit);
        String next = more && !concrete.isEmpty() ? concrete.getLast().afterCursor() : null;
        return rebind(new Results.Page<>(concrete, page.revision(), next), fingerprint);
    }

    // ---- contextual relationships

    /**
     * The snapshot a request at {@code rev} reads: the index's when it carries no contextual relationships (no
     * allocation), else those relationships, validated against {@code schema}, over the index's.
     */
    private Snapshot snapshot(CompiledSchema schema, long rev, List<Relationship> contextual) {
        Snapshot base = snapshot(rev);
        if (contextual.isEmpty()) return base;
        Contextual last = lastContextual;
        if (last != null
                && last.relationships() == contextual
                && last.schema() == schema
                && last.base().equals(base)) {
            return last.snapshot();
        }
        for (int i = 0; i < contextual.size(); i++) {
            RelationshipValidator.validateContextual(schema, contextual.get(i), i);
        }
        ContextualSnapshot s = ContextualSnapshot.over(base, contextual);
        lastContextual = new Contextual(schema, base, contextual, s);
        return s;
    }

    /**
     * What a cursor of a lookup with contextual relationships carries after its position, so that it resumes only
     * a lookup with the same ones (ids of contextual objects mean nothing over other relationships); null for
     * none.
     */
    private static String fingerprint(List<Relationship> contextual) {
        if (contextual.isEmpty()) return null;
        return Integer.toHexString(contextual.hashCode());
    }

    /** Marks the position of a contextual object, counted from the first contextual id of its type. */
    private static final String ADDED = "+";

    /** Separates a position from the fingerprint of the contextual relationships (no object id has it). */
    private static final char BOUND = '@';

    /** A lookup-resources cursor's position as an id of {@code snapshot}. */
    private static int resourcePosition(Snapshot snapshot, int type, Cursors.Cursor at, String fingerprint) {
        String position = unbind(at.position(), fingerprint);
        if (fingerprint != null && position.startsWith(ADDED)) {
            int k = Cursors.intPosition(new Cursors.Cursor(at.revision(), position.substring(ADDED.length())));
            return ((ContextualSnapshot) snapshot).addedFrom(type) + k;
        }
        return Cursors.intPosition(new Cursors.Cursor(at.revision(), position));
    }

    /**
     * A cursor's position without its fingerprint; refused when it was handed out for other contextual
     * relationships (or none), since its position means nothing here.
     */
    private static String unbind(String position, String fingerprint) {
        int at = position.lastIndexOf(BOUND);
        String given = at < 0 ? null : position.substring(at + 1);
        if (!java.util.Objects.equals(given, fingerprint)) {
            throw new KithException.InvalidArgument(
                    "optionalCursor",
                    given == null
                            ? "was handed out for a lookup without contextual relationships; it resumes only such a"
                                    + " lookup"
                            : "was handed out for a lookup with other contextual relationships; it resumes only a"
                                    + " lookup with the same ones");
        }
        return at < 0 ? position : position.substring(0, at);
    }

    /** A lookup-subjects page whose cursors carry {@code fingerprint}; the page itself without one. */
    private static Results.Page<Results.LookupSubject> rebind(
            Results.Page<Results.LookupSubject> page, String fingerprint) {
        if (fingerprint == null) return page;
        List<Results.LookupSubject> items = new ArrayList<>(page.items().size());
        for (Results.LookupSubject s : page.items()) {
            items.add(new Results.LookupSubject(
                    s.subjectId(),
                    s.permissionship(),
                    s.missingContext(),
                    s.excludedSubjects(),
                    bind(s.afterCursor(), Cursors.SUBJECTS, fingerprint, UnaryOperator.identity())));
        }
        return new Results.Page<>(
                items,
                page.revision(),
                bind(page.nextCursor(), Cursors.SUBJECTS, fingerprint, UnaryOperator.identity()));
    }

    /**
     * A lookup-resources page whose cursors carry {@code fingerprint}, each position rewritten by {@code
     * position} (ids of contextual objects counted from the first of their type, which another node or a later
     * index may number differently).
     */
    private static Results.Page<Results.LookupResource> rebind(
            Results.Page<Results.LookupResource> page,
            String kind,
            String fingerprint,
            UnaryOperator<String> position) {
        List<Results.LookupResource> items = new ArrayList<>(page.items().size());
        for (Results.LookupResource r : page.items()) {
            items.add(new Results.LookupResource(
                    r.resourceId(),
                    r.permissionship(),
                    r.missingContext(),
                    bind(r.afterCursor(), kind, fingerprint, position)));
        }
        return new Results.Page<>(items, page.revision(), bind(page.nextCursor(), kind, fingerprint, position));
    }

    /** {@code cursor} with its position rewritten and {@code fingerprint} after it; null for null. */
    private static String bind(String cursor, String kind, String fingerprint, UnaryOperator<String> position) {
        if (cursor == null) return null;
        Cursors.Cursor c = Cursors.decode(kind, cursor);
        return Cursors.encode(kind, c.revision(), position.apply(c.position()) + BOUND + fingerprint);
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

    /** The snapshot requests at {@code rev} read: the index's, shared while {@code rev} is the last one asked. */
    private Snapshot snapshot(long rev) {
        Snapshot s = lastSnapshot;
        if (s.revision() != rev) lastSnapshot = s = Snapshot.of(index, rev);
        return decorator == null ? s : decorator.apply(s);
    }

    private DepthBounds depthBounds(CompiledSchema schema, Snapshot snapshot) {
        // a decorated snapshot's bounds are its own: computed per request, never kept in place of the index's
        if (decorator != null) return new DepthBounds(snapshot, schema);
        if (snapshot instanceof ContextualSnapshot contextual) {
            // the index's bounds hold over contextual relationships that add no link the bounds read (links of
            // relations in a cycle of the schema); other ones are the request's own, never kept
            DepthBounds plain = depthBounds(schema, snapshot(snapshot.revision()));
            return plain.readsLinksOfAny(contextual) ? new DepthBounds(snapshot, schema) : plain;
        }
        DepthBounds b = depthBounds;
        if (b == null || !b.isFor(schema, snapshot)) {
            // the bounds of the last revision carry over where the writes since changed none of their links
            depthBounds = b = new DepthBounds(snapshot, schema, b, index::pairChangedAt);
        }
        return b;
    }

    // ---- request edges: names to ids

    /** A resource (pair, object id); an id never stored gets -2, which matches nothing stored. */
    record Target(int pair, int object) {}

    /** A subject as (pair, id); see {@link #subject}. */
    record Subject(int pair, int id, boolean isObject) {
        /**
         * The pair whose stored wildcard matches a subject: its type's ({@code user:*} matches {@code user:ann} and
         * {@code user:ann#friend} alike, subject sets included), or -1 when none can (the subject is the wildcard
         * itself, or its type was never stored as a plain subject).
         */
        static int wildcardPair(Snapshot snapshot, int pair, int id, boolean isObject) {
            if (isObject) return id == Snapshot.WILDCARD_ID ? -1 : pair;
            return snapshot.findPair(snapshot.pairType(pair), Snapshot.NO_RELATION);
        }
    }

    private Target target(Snapshot snapshot, CompiledSchema schema, ObjectRef resource, String permission) {
        long key = targetKey(snapshot, schema, resource, permission);
        return new Target(Snapshot.keyPair(key), Snapshot.keyId(key));
    }

    /** {@link #target} as {@link Snapshot#key}{@code (pair, object)}. */
    private long targetKey(Snapshot snapshot, CompiledSchema schema, ObjectRef resource, String permission) {
        CompiledSchema.TypeIds t = schema.type(resource.type());
        if (t == null) throw NotFound.type(Where.request(Part.RESOURCE_TYPE), resource.type(), null);
        Integer pair = t.pairs().get(permission);
        if (pair == null) throw NotFound.relation(Where.request(Part.RELATION), permission, resource.type(), null);
        if (!RelationshipParser.isObjectId(resource.id())) {
            throw KithException.InvalidArgument.at(
                    Where.request(Part.RESOURCE_ID), "'" + resource.id() + "' is not a valid object id");
        }
        int object = snapshot.findObject(t.type(), resource.id());
        return Snapshot.key(pair, object < 0 ? -2 : object);
    }

    /**
     * The subject's (pair, id). An id never stored gets -3, or the resource's id when the subject is the
     * resource itself (so {@code self} and trivial membership still hold for ids never written).
     */
    private Subject subject(
            Snapshot snapshot, CompiledSchema schema, SubjectRef s, ObjectRef resource, int resourceObject) {
        long key = subjectKey(snapshot, schema, s, resource, resourceObject);
        return new Subject(Snapshot.keyPair(key), Snapshot.keyId(key), s.relation() == null);
    }

    /** {@link #subject}'s (pair, id) as {@link Snapshot#key}. */
    private long subjectKey(
            Snapshot snapshot, CompiledSchema schema, SubjectRef s, ObjectRef resource, int resourceObject) {
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
        int id = snapshot.findObject(t.type(), s.id());
        if (id < 0) {
            id = resource != null
                            && resource.type().equals(s.type())
                            && resource.id().equals(s.id())
                    ? resourceObject
                    : -3;
        }
        return Snapshot.key(pair, id);
    }
}
