package dev.kith.engine.runtime;

import dev.kith.engine.CaveatLimits;
import dev.kith.engine.KithException;
import dev.kith.engine.eval.CompiledSchema;
import dev.kith.engine.index.Index;
import dev.kith.schema.SchemaException;
import dev.kith.schema.SchemaLimits;
import dev.kith.schema.Schemas;
import dev.kith.schema.ValidatedSchema;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The schema in force at each revision the engine can still read: every schema installed from the revision it
 * was written at on, plus the newest one kept apart ({@link Latest}) so that a read at a recent revision needs
 * no map search.
 *
 * <p>Threading: {@link #compile}, {@link #install}, {@link #uninstall} and {@link #pruneBelow} run under the
 * engine's write lock (compiling interns the schema's names in the index, which only the writer may change).
 * {@link #schemaOrNull} and {@link #require} take no lock: the map is concurrent and {@code latest} is volatile,
 * so a reader sees either the schema before an install or the one after.
 */
final class SchemaHistory {
    private final Index index;
    private final CaveatLimits caveatLimits;
    private final ConcurrentSkipListMap<Long, CompiledSchema> schemas = new ConcurrentSkipListMap<>();

    /** The newest schema and its revision, so a check at a recent revision needs no map search. */
    private record Latest(long revision, CompiledSchema schema) {}

    private volatile Latest latest;

    /** The history of the schemas evaluated over {@code index}. */
    SchemaHistory(Index index) {
        this(index, CaveatLimits.defaults());
    }

    /** The history of the schemas evaluated over {@code index}, whose caveats evaluate within {@code limits}. */
    SchemaHistory(Index index, CaveatLimits limits) {
        this.index = index;
        this.caveatLimits = limits;
    }

    /**
     * Compiles a stored schema, one accepted when it was written, against the index: loaded whatever the limits
     * are now. {@link KithException.InvalidSchema} when it is not a valid schema.
     */
    CompiledSchema compile(String text) {
        return compile(text, SchemaLimits.STORED);
    }

    /**
     * Compiles {@code text} against the index; {@link KithException.InvalidSchema} when it is not a valid schema
     * or goes over one of {@code limits}.
     */
    CompiledSchema compile(String text, SchemaLimits limits) {
        ValidatedSchema vs;
        try {
            vs = Schemas.compile("schema", text, limits);
        } catch (SchemaException e) {
            throw new KithException.InvalidSchema(e.getMessage(), e.diagnostics());
        }
        return CompiledSchema.compile(vs, index, caveatLimits);
    }

    /** The schema in force at {@code rev}; null when none was written by then. */
    CompiledSchema schemaOrNull(long rev) {
        Latest l = latest;
        if (l != null && rev >= l.revision()) return l.schema();
        Map.Entry<Long, CompiledSchema> e = schemas.floorEntry(rev);
        return e == null ? null : e.getValue();
    }

    /** The schema in force at {@code rev}; {@link KithException.NotFound} when none was written by then. */
    CompiledSchema require(long rev) {
        CompiledSchema s = schemaOrNull(rev);
        if (s == null) {
            throw new KithException.NotFound("no schema has been written (at revision " + rev + ")");
        }
        return s;
    }

    /** How many schemas are kept (for tests and stats). */
    int size() {
        return schemas.size();
    }

    /** Whether a schema was installed at exactly {@code rev}. */
    boolean installedAt(long rev) {
        return schemas.containsKey(rev);
    }

    /** Whether the schema in force at {@code rev} has exactly the source {@code text}. */
    boolean sameAt(long rev, String text) {
        CompiledSchema current = schemaOrNull(rev);
        return current != null && current.schema().source().equals(text);
    }

    /** Adds the schema in force from {@code rev} on. Under the write lock. */
    void install(long rev, CompiledSchema compiled) {
        schemas.put(rev, compiled);
        Latest l = latest;
        if (l == null || rev >= l.revision()) latest = new Latest(rev, compiled);
    }

    /** Takes back the schema installed at {@code rev} (its write failed). Under the write lock. */
    void uninstall(long rev) {
        schemas.remove(rev);
        Map.Entry<Long, CompiledSchema> last = schemas.lastEntry();
        latest = last == null ? null : new Latest(last.getKey(), last.getValue());
    }

    /**
     * Forgets the schemas no readable revision needs: all but the one in force at {@code oldestReadable} among
     * those installed before it. Under the write lock.
     */
    void pruneBelow(long oldestReadable) {
        Long floor = schemas.floorKey(oldestReadable);
        if (floor != null) schemas.headMap(floor, false).clear();
    }
}
