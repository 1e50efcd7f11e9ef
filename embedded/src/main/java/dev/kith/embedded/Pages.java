package dev.kith.embedded;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A stream of answers read from the engine one page at a time, the next page only when the caller has taken the
 * previous one (the engine's cursor carries the revision of the first page, so every page reads the same one), and
 * at most {@code limit} answers in all (0: no limit).
 */
final class Pages<R> implements Iterator<R> {
    /** Answers per page read from the engine. */
    static final int PAGE = 1_000;

    /** One page: its answers, and the cursor of the next (null: none). */
    record Page<R>(List<R> items, String next) {}

    /** Reads the page starting at {@code cursor} (null: the first) of at most {@code size} answers. */
    @FunctionalInterface
    interface Reader<R> {
        Page<R> read(String cursor, int size);
    }

    private final Reader<R> reader;
    private final long limit;
    private final ArrayDeque<R> buffer = new ArrayDeque<>();
    private String cursor;
    private boolean last;
    private long taken;

    private Pages(Reader<R> reader, String cursor, long limit) {
        this.reader = reader;
        this.cursor = cursor;
        this.limit = limit;
    }

    static <R> Stream<R> stream(Reader<R> reader, String cursor, long limit) {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(
                        new Pages<>(reader, cursor, limit), Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    @Override
    public boolean hasNext() {
        while (buffer.isEmpty()) {
            if (last || (limit > 0 && taken >= limit)) return false;
            int size = limit > 0 ? (int) Math.min(PAGE, limit - taken) : PAGE;
            Page<R> p = reader.read(cursor, size);
            buffer.addAll(p.items());
            cursor = p.next();
            last = cursor == null || p.items().isEmpty();
        }
        return true;
    }

    @Override
    public R next() {
        if (!hasNext()) throw new NoSuchElementException();
        taken++;
        return buffer.poll();
    }
}
