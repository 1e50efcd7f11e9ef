package dev.kith.cli;

import dev.kith.client.KithClient;
import dev.kith.engine.KithException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The shape of the client commands that speak kith's HTTP API through {@link KithClient}: run against the server,
 * print the answer; a server error or bad input is one line on stderr and exit status 1, a server that cannot be
 * reached or does not answer in time exit status 4 ({@link Main#UNAVAILABLE}).
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
            return run(connection.client(spec.qualifiedName(" ").replaceFirst("^kith ", "")), out);
        } catch (KithClient.ApiException e) {
            err.println("kith: " + e.code() + " (HTTP " + e.status() + "): " + e.getMessage());
            return e.grpcCode() == 14 || e.grpcCode() == 4 ? Main.UNAVAILABLE : Main.INPUT_ERROR;
        } catch (KithException e) {
            err.println("kith: " + e.getMessage());
            return Main.INPUT_ERROR;
        } catch (UncheckedIOException e) {
            err.println("kith: " + e.getMessage());
            Throwable cause = e.getCause();
            boolean network = cause instanceof ConnectException
                    || cause instanceof HttpTimeoutException
                    || String.valueOf(e.getMessage()).startsWith("cannot reach kith at");
            return network ? Main.UNAVAILABLE : Main.INPUT_ERROR;
        } finally {
            out.flush();
            err.flush();
        }
    }

    abstract int run(KithClient client, PrintWriter out);
}
