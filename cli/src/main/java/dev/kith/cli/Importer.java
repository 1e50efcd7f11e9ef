package dev.kith.cli;

import dev.kith.client.KithClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends relationships read from a file to {@code /v1/relationships/importbulk} in batches, as they are read
 * (each batch one transaction, as {@code zed import} does), remembering for each line of a batch's body the
 * line of the file it came from: when the server refuses a relationship (its error names {@code line N} of the
 * body), the error is reported at the file's line. Shows progress on the terminal.
 */
final class Importer {
    /** How the server names a line of an import body in its errors. */
    private static final Pattern BODY_LINE = Pattern.compile("\\bline (\\d+)");

    private final KithClient client;
    private final int batchSize;
    private final Progress progress;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final List<Integer> sourceLines = new ArrayList<>();
    private int pending;
    private long imported;
    private String lastToken = "";

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
    Importer(KithClient client, int batchSize, Progress progress) {
        this.client = client;
        this.batchSize = batchSize;
        this.progress = progress;
    }

    /**
     * Adds one line of an import body: a relationship or {@code {"relationships": […]}} in the API's JSON, holding
     * {@code count} relationships, from {@code sourceLine} of the file; sends the batch when it is full.
     *
     * @param done how far through the file this line is, 0 to 1, for the progress bar
     */
    void add(String json, int sourceLine, int count, double done) {
        body.writeBytes(json.getBytes(StandardCharsets.UTF_8));
        body.write('\n');
        sourceLines.add(sourceLine);
        pending += count;
        if (pending >= batchSize) {
            send();
            progress.show(done, imported);
        }
    }

    /** Sends what is left, clears the progress bar, and returns how many relationships were imported. */
    long finish() {
        send();
        progress.clear();
        return imported;
    }

    /** The revision token of the last batch written, or "" when nothing was sent. */
    String token() {
        return lastToken;
    }

    private void send() {
        if (sourceLines.isEmpty()) return;
        try {
            var answer = client.post("/v1/relationships/importbulk", body.toByteArray(), "application/x-ndjson");
            imported += answer.path("numLoaded").asLong();
            lastToken = answer.path("writtenAt").path("token").asText();
        } catch (KithClient.ApiException e) {
            progress.clear();
            String message = e.getMessage() == null ? "" : e.getMessage();
            // the server names the line of the request body; the file's line is the one reported
            throw new Refused(
                    fileLine(message),
                    e.code() + ": " + BODY_LINE.matcher(message).replaceFirst("relationship"));
        }
        body.reset();
        sourceLines.clear();
        pending = 0;
    }

    /** The file line of the body line an error names, or 0. */
    private int fileLine(String message) {
        Matcher m = BODY_LINE.matcher(message == null ? "" : message);
        if (!m.find()) return 0;
        int bodyLine = Integer.parseInt(m.group(1));
        return bodyLine >= 1 && bodyLine <= sourceLines.size() ? sourceLines.get(bodyLine - 1) : 0;
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
            return new Progress(err, System.console() != null && isTerminal(System.console()));
        }

        /**
         * Whether the console is a terminal: from Java 22 a console may exist while its streams are redirected,
         * and {@code Console.isTerminal} (absent from Java 21) says which; on Java 21 a console is a terminal.
         */
        private static boolean isTerminal(java.io.Console console) {
            try {
                return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
            } catch (ReflectiveOperationException e) {
                return true;
            }
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
