package dev.kith.cli;

import dev.kith.client.KithClient;
import dev.kith.engine.KithException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The shape of every client command: run against the server, print the answer; a server error, bad input or
 * an unreachable server is one line on stderr and exit status 1.
 */
abstract class ClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions connection;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(connection.client(), out);
        } catch (KithClient.ApiException e) {
            err.println("kith: " + e.code() + " (HTTP " + e.status() + "): " + e.getMessage());
            return 1;
        } catch (KithException e) {
            err.println("kith: " + e.getMessage());
            return 1;
        } catch (UncheckedIOException e) {
            err.println("kith: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    abstract int run(KithClient client, PrintWriter out);
}
