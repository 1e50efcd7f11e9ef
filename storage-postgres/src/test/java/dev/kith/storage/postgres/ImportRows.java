package dev.kith.storage.postgres;

import dev.kith.engine.Relationship;
import java.util.Iterator;
import java.util.stream.IntStream;

/** Relationship streams for the bulk-import tests. */
final class ImportRows {
    private ImportRows() {}

    /** {@code document:d0#viewer@SUBJECT} … {@code document:d<count-1>#viewer@SUBJECT}. */
    static Iterator<Relationship> numbered(int count, String subject) {
        return IntStream.range(0, count)
                .mapToObj(i -> Relationship.parse("document:d" + i + "#viewer@" + subject))
                .iterator();
    }

    /** {@code rows}, running {@code action} before it serves row number {@code row} (counted from 1). */
    static Iterator<Relationship> atRow(int row, Iterator<Relationship> rows, Runnable action) {
        return new Iterator<>() {
            private int served;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Relationship next() {
                if (++served == row) action.run();
                return rows.next();
            }
        };
    }
}
