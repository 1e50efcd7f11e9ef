package dev.kith.cli;

import dev.kith.cli.remote.RemoteException;
import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.proto.v1.ImportBulkRelationshipsRequest;
import dev.kith.proto.v1.Relationship;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends relationships read from a file to the server's bulk import in batches, as they are read (each batch one
 * transaction, as {@code zed import} does): over gRPC one {@code ImportBulkRelationships} client stream per batch,
 * over HTTP one {@code /v1/relationships/importbulk} body per batch. It remembers for each relationship of a batch
 * the line of the file it came from, so that when the server refuses one (its error names {@code message 2
 * .relationships[5]} over gRPC, {@code line 2.relationships[5]} over HTTP) the error is reported at the file's line.
 * Shows progress on the terminal.
 */
final class Importer {
    /** Relationships per message of a batch. */
    static final int MESSAGE = 1000;

    /** How the server names a relationship of an import in its errors, over gRPC and over HTTP. */
    private static final Pattern WHERE = Pattern.compile("\\b(?:message|line) (\\d+)(?:\\.relationships\\[(\\d+)])?");

    private final Transport transport;
    private final int batchSize;
    private final Progress progress;
    private final List<ImportBulkRelationshipsRequest> messages = new ArrayList<>();
    private final List<int[]> sourceLines = new ArrayList<>();
    private ImportBulkRelationshipsRequest.Builder current = ImportBulkRelationshipsRequest.newBuilder();
    private final List<Integer> currentLines = new ArrayList<>();
    private int pending;
    private long imported;

    /** A relationship the server refused, at the line of the file it came from. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int line;

        Refused(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }

        /** The line of the file, or 0 when the server's error does not say which relationship it was. */
        int line() {
            return line;
        }
    }

    /**
     * @param batchSize relationships per request (one transaction each)
     * @param progress where progress goes (nothing when standard error is not a terminal)
     */
    Importer(Transport transport, int batchSize, Progress progress) {
        this.transport = transport;
        this.batchSize = batchSize;
        this.progress = progress;
    }

    /**
     * Adds one relationship, from {@code sourceLine} of the file; sends the batch when it is full.
     *
     * @param done how far through the file this line is, 0 to 1, for the progress bar
     */
    void add(Relationship relationship, int sourceLine, double done) {
        current.addRelationships(relationship);
        currentLines.add(sourceLine);
        pending++;
        if (current.getRelationshipsCount() >= MESSAGE) closeMessage();
        if (pending >= batchSize) flush(done);
    }

    /** Adds a whole message of relationships read from {@code sourceLine} (a line of a backup file). */
    void add(ImportBulkRelationshipsRequest message, int sourceLine, double done) {
        closeMessage();
        int[] lines = new int[message.getRelationshipsCount()];
        java.util.Arrays.fill(lines, sourceLine);
        messages.add(message);
        sourceLines.add(lines);
        pending += lines.length;
        if (pending >= batchSize) flush(done);
    }

    private void closeMessage() {
        if (currentLines.isEmpty()) return;
        messages.add(current.build());
        sourceLines.add(currentLines.stream().mapToInt(Integer::intValue).toArray());
        current = ImportBulkRelationshipsRequest.newBuilder();
        currentLines.clear();
    }

    private void flush(double done) {
        send();
        progress.show(done, imported);
    }

    /** Sends what is left, clears the progress bar, and returns how many relationships were imported. */
    long finish() {
        send();
        progress.clear();
        return imported;
    }

    private void send() {
        closeMessage();
        if (messages.isEmpty()) return;
        try {
            imported += transport.upload(Rpc.IMPORT_BULK, messages).getNumLoaded();
        } catch (RemoteException e) {
            progress.clear();
            if (e.unavailable()) throw e;
            String message = e.getMessage() == null ? "" : e.getMessage();
            String code = e.metadata().getOrDefault("code", e.code());
            // the server names the message (or body line) of the batch; the file's line is the one reported
            throw new Refused(
                    fileLine(message), code + ": " + WHERE.matcher(message).replaceFirst("relationship"));
        }
        messages.clear();
        sourceLines.clear();
        pending = 0;
    }

    /** The file line of the relationship an error names, or 0. */
    private int fileLine(String message) {
        Matcher m = WHERE.matcher(message);
        if (!m.find()) return 0;
        int index = Integer.parseInt(m.group(1));
        if (index < 1 || index > sourceLines.size()) return 0;
        int[] lines = sourceLines.get(index - 1);
        int within = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        return within < lines.length ? lines[within] : 0;
    }

    /**
     * A one-line progress bar on standard error, redrawn in place; silent when standard error is not a terminal
     * (a pipe, a file, a test), so that logs hold only the final count.
     */
    static final class Progress {
        private final PrintWriter err;
        private final boolean shown;
        private boolean drawn;

        Progress(PrintWriter err, boolean shown) {
            this.err = err;
            this.shown = shown;
        }

        /** Progress on the terminal when there is one. */
        static Progress onTerminal(PrintWriter err) {
            return new Progress(err, Terminal.stdinIsTerminal());
        }

        void show(double done, long count) {
            if (!shown) return;
            int width = 30;
            int filled = (int) Math.round(Math.max(0, Math.min(1, done)) * width);
            err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] "
                    + Math.round(Math.min(1, done) * 100) + "% " + count + " relationships");
            err.flush();
            drawn = true;
        }

        void clear() {
            if (!drawn) return;
            err.print("\r" + " ".repeat(60) + "\r");
            err.flush();
            drawn = false;
        }
    }
}
