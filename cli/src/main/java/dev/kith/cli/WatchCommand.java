package dev.kith.cli;

import dev.kith.cli.remote.RemoteException;
import dev.kith.cli.remote.Rpc;
import dev.kith.cli.remote.Transport;
import dev.kith.engine.KithException;
import dev.kith.proto.v1.RelationshipUpdate;
import dev.kith.proto.v1.WatchKind;
import dev.kith.proto.v1.WatchRequest;
import dev.kith.proto.v1.WatchResponse;
import dev.kith.proto.v1.ZedToken;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kith watch}: prints the relationship changes of a running server as they are written, one line per change,
 * from now or from a token; after a disconnect it reconnects and resumes from the last token it printed, so no
 * change is lost or printed twice.
 */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = {
            "Print relationship changes as they are written: one line per change, `TOUCH|DELETE relationship`"
                    + " followed by the token of its write, or one JSON object per write with --json; a schema"
                    + " write as `SCHEMA updated`.",
            "After a disconnect it reconnects, resuming after the last change it printed; it gives up (exit status"
                    + " 4) when the server stays unreachable for --reconnect-for."
        },
        footer = {
            "%nExamples:",
            "  kith watch",
            "  kith watch --object-types document,folder --revision TOKEN --json",
            "  kith watch --no-schema-updates --checkpoints"
        })
final class WatchCommand extends RemoteCommand {
    @Option(
            names = "--object-types",
            split = ",",
            paramLabel = "TYPE",
            description = "Only changes to relationships of these resource types.")
    List<String> objectTypes = new ArrayList<>();

    @Option(
            names = "--revision",
            paramLabel = "TOKEN",
            description = "Start after the write of TOKEN (default: from now).")
    String revision;

    @Option(names = "--json", description = "One JSON object per write (WatchResponse).")
    boolean json;

    @Option(
            names = "--schema-updates",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Ask for schema writes too, each printed as `SCHEMA updated (at TOKEN)` (default; "
                    + "--no-schema-updates: relationship changes only).")
    boolean schemaUpdates;

    @Option(
            names = "--checkpoints",
            description = "Also print the server's checkpoints, `CHECKPOINT (at TOKEN)`: everything up to TOKEN has"
                    + " been sent (they do not count towards --max-changes), e.g. kith watch --checkpoints.")
    boolean checkpoints;

    @Option(
            names = "--max-changes",
            paramLabel = "N",
            description = "Stop after N writes have been printed (default: run until interrupted).")
    long maxChanges;

    @Option(
            names = "--reconnect-for",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "60s",
            description = "How long to keep reconnecting to an unreachable server; default ${DEFAULT-VALUE}.")
    Duration reconnectFor;

    @Override
    int run(Transport transport, Terminal t) {
        if (maxChanges < 0) throw new KithException.InvalidArgument("--max-changes", "must be 0 or more");
        String[] token = {revision};
        long[] printed = {0};
        Instant failingSince = null;
        long backoffMillis = 100;
        while (true) {
            WatchRequest.Builder request = WatchRequest.newBuilder().addAllOptionalObjectTypes(objectTypes);
            if (schemaUpdates || checkpoints) {
                request.addOptionalUpdateKinds(WatchKind.WATCH_KIND_INCLUDE_RELATIONSHIP_UPDATES);
                if (schemaUpdates) request.addOptionalUpdateKinds(WatchKind.WATCH_KIND_INCLUDE_SCHEMA_UPDATES);
                if (checkpoints) request.addOptionalUpdateKinds(WatchKind.WATCH_KIND_INCLUDE_CHECKPOINTS);
            }
            if (token[0] != null)
                request.setOptionalStartCursor(ZedToken.newBuilder().setToken(token[0]));
            long before = printed[0];
            try {
                transport.stream(
                        Rpc.WATCH,
                        request.build(),
                        (WatchResponse r) -> {
                            print(r, t);
                            token[0] = r.getChangesThrough().getToken();
                            if (!isCheckpointOnly(r)) printed[0]++;
                            return maxChanges == 0 || printed[0] < maxChanges;
                        },
                        false);
                if (maxChanges > 0 && printed[0] >= maxChanges) return Main.OK;
                // The server ended the stream (it is shutting down): reconnect as after any disconnect.
            } catch (RemoteException e) {
                // A server shutting down cancels its streams; one that fell behind ends the watch with a token.
                boolean disconnected = e.unavailable()
                        || e.code().equals("CANCELLED")
                        || e.code().equals("RESOURCE_EXHAUSTED");
                if (!disconnected) throw e;
                String resume = e.metadata().get("changes_through_token");
                if (resume != null && !resume.isEmpty()) token[0] = resume;
                Instant now = Instant.now();
                if (printed[0] > before) {
                    failingSince = null;
                    backoffMillis = 100;
                }
                if (failingSince == null) failingSince = now;
                if (Duration.between(failingSince, now).compareTo(reconnectFor) >= 0) throw e;
                t.err.println("kith: watch interrupted (" + e.getMessage() + "); reconnecting"
                        + (token[0] == null ? "" : " from " + token[0]));
                t.err.flush();
            }
            sleep(backoffMillis);
            backoffMillis = Math.min(backoffMillis * 2, 5_000);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KithException.InvalidArgument("watch", "interrupted");
        }
    }

    /** A checkpoint with nothing else: it says how far the watch has read, and is not a change. */
    private static boolean isCheckpointOnly(WatchResponse r) {
        return r.getIsCheckpoint() && !r.getSchemaUpdated() && r.getUpdatesCount() == 0;
    }

    private void print(WatchResponse r, Terminal t) {
        if (isCheckpointOnly(r) && !checkpoints) return;
        if (json) {
            t.out.println(Protos.json(r));
        } else {
            String at = t.dim(" (at " + r.getChangesThrough().getToken() + ")");
            if (r.getSchemaUpdated()) t.out.println(t.yellow("SCHEMA") + " updated" + at);
            if (isCheckpointOnly(r)) t.out.println(t.dim("CHECKPOINT") + at);
            for (RelationshipUpdate u : r.getUpdatesList()) {
                String op = u.getOperation().name().replace("OPERATION_", "");
                String coloured =
                        u.getOperation() == RelationshipUpdate.Operation.OPERATION_DELETE ? t.red(op) : t.green(op);
                t.out.println(coloured + " " + Protos.compact(u.getRelationship()) + at);
            }
        }
        t.out.flush();
    }
}
