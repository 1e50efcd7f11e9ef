package dev.kith.api.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The audit log of decisions: one JSON line per check with the time, the caller's key id (never the key), the
 * resource, permission, subject, result and revision. Lines are written by one background thread so the event
 * loop never waits on the file; when the queue is full, callers wait (decisions are never dropped).
 */
final class AuditLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());
    private static final String END = "";

    private final ObjectMapper mapper;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(65_536);
    private final Writer writer;
    private final Thread thread;

    private AuditLog(ObjectMapper mapper, Writer writer) {
        this.mapper = mapper;
        this.writer = writer;
        this.thread = Thread.ofPlatform().name("kith-audit").daemon().start(this::drain);
    }

    /** Opens the audit log at {@code target} (a file appended to, or {@code -} for standard output); null: none. */
    static AuditLog open(String target, ObjectMapper mapper) {
        if (target == null || target.isEmpty()) return null;
        try {
            Writer w = target.equals("-")
                    ? new OutputStreamWriter(System.out, StandardCharsets.UTF_8)
                    : Files.newBufferedWriter(
                            Path.of(target),
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND,
                            StandardOpenOption.WRITE);
            return new AuditLog(mapper, w instanceof BufferedWriter ? w : new BufferedWriter(w));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log " + target + ": " + e.getMessage(), e);
        }
    }

    void check(String caller, Requests.Check request, Results.Check result) {
        ObjectNode n = mapper.createObjectNode();
        n.put("time", Instant.now().toString());
        n.put("caller", caller);
        n.put("resource", request.resource().toString());
        n.put("permission", request.permission());
        n.put("subject", request.subject().toString());
        n.put("result", result.permissionship().name());
        if (!result.missingContext().isEmpty()) {
            var a = n.putArray("missingContext");
            result.missingContext().forEach(a::add);
        }
        n.put("revision", result.checkedAt().value());
        try {
            queue.put(n.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drain() {
        try {
            while (true) {
                String line = queue.take();
                if (line == END) break;
                writer.write(line);
                writer.write('\n');
                if (queue.isEmpty()) writer.flush();
            }
            writer.flush();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "audit log write failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            queue.put(END);
            thread.join();
            writer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "audit log flush failed: " + e.getMessage());
        }
    }
}
