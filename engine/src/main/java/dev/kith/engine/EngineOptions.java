package dev.kith.engine;

import dev.kith.schema.SchemaLimits;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Engine settings.
 *
 * @param depthLimit the depth budget of every traversal (default 50)
 * @param gcWindow how long old revisions stay readable (default 1 h in memory)
 * @param clock the clock for expiration and the GC window (injectable for tests)
 * @param maxUpdatesPerWrite updates and preconditions per write batch (default 1,000)
 * @param freshnessTimeout how long {@code atLeastAsFresh} waits for a revision (default 5 s)
 * @param caveatLimits the cost limit of one caveat evaluation and the bounds of caveat contexts (see {@link
 *     CaveatLimits#defaults()})
 * @param schemaLimits the bounds a written schema must keep to (default {@link SchemaLimits#DEFAULTS}); a schema
 *     already stored is loaded again whatever its size
 * @param closureIndex whether the engine keeps the transitive-closure index of self-recursive relations (nested
 *     groups) and answers checks and lookups from it (see the engine's README, "Closure index")
 */
public record EngineOptions(
        int depthLimit,
        Duration gcWindow,
        Clock clock,
        int maxUpdatesPerWrite,
        Duration freshnessTimeout,
        CaveatLimits caveatLimits,
        SchemaLimits schemaLimits,
        boolean closureIndex) {
    public static final int DEFAULT_DEPTH_LIMIT = 50;

    /** Whether the closure index is on by default. */
    public static final boolean DEFAULT_CLOSURE_INDEX = true;

    public EngineOptions {
        if (depthLimit < 1) throw new IllegalArgumentException("depthLimit must be at least 1");
        Objects.requireNonNull(gcWindow, "gcWindow");
        Objects.requireNonNull(clock, "clock");
        if (maxUpdatesPerWrite < 1) throw new IllegalArgumentException("maxUpdatesPerWrite must be at least 1");
        Objects.requireNonNull(freshnessTimeout, "freshnessTimeout");
        Objects.requireNonNull(caveatLimits, "caveatLimits");
        Objects.requireNonNull(schemaLimits, "schemaLimits");
    }

    public static EngineOptions defaults() {
        return new EngineOptions(
                DEFAULT_DEPTH_LIMIT,
                Duration.ofHours(1),
                Clock.systemUTC(),
                1000,
                Duration.ofSeconds(5),
                CaveatLimits.defaults(),
                SchemaLimits.DEFAULTS,
                DEFAULT_CLOSURE_INDEX);
    }

    public EngineOptions withDepthLimit(int v) {
        return new EngineOptions(
                v, gcWindow, clock, maxUpdatesPerWrite, freshnessTimeout, caveatLimits, schemaLimits, closureIndex);
    }

    public EngineOptions withGcWindow(Duration v) {
        return new EngineOptions(
                depthLimit, v, clock, maxUpdatesPerWrite, freshnessTimeout, caveatLimits, schemaLimits, closureIndex);
    }

    public EngineOptions withClock(Clock v) {
        return new EngineOptions(
                depthLimit,
                gcWindow,
                v,
                maxUpdatesPerWrite,
                freshnessTimeout,
                caveatLimits,
                schemaLimits,
                closureIndex);
    }

    public EngineOptions withMaxUpdatesPerWrite(int v) {
        return new EngineOptions(
                depthLimit, gcWindow, clock, v, freshnessTimeout, caveatLimits, schemaLimits, closureIndex);
    }

    public EngineOptions withFreshnessTimeout(Duration v) {
        return new EngineOptions(
                depthLimit, gcWindow, clock, maxUpdatesPerWrite, v, caveatLimits, schemaLimits, closureIndex);
    }

    public EngineOptions withCaveatLimits(CaveatLimits v) {
        return new EngineOptions(
                depthLimit, gcWindow, clock, maxUpdatesPerWrite, freshnessTimeout, v, schemaLimits, closureIndex);
    }

    public EngineOptions withSchemaLimits(SchemaLimits v) {
        return new EngineOptions(
                depthLimit, gcWindow, clock, maxUpdatesPerWrite, freshnessTimeout, caveatLimits, v, closureIndex);
    }

    public EngineOptions withClosureIndex(boolean v) {
        return new EngineOptions(
                depthLimit, gcWindow, clock, maxUpdatesPerWrite, freshnessTimeout, caveatLimits, schemaLimits, v);
    }
}
