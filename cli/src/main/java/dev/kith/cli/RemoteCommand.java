package dev.kith.cli;

import dev.kith.cli.remote.RemoteException;
import dev.kith.cli.remote.Transport;
import dev.kith.engine.KithException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The shape of the commands that talk to a server over gRPC or HTTP (whichever the endpoint names): open the
 * transport, run, print. An error answer or wrong input is one line on stderr and {@link Main#INPUT_ERROR}; a server
 * that cannot be reached or does not answer in time {@link Main#UNAVAILABLE}.
 */
abstract class RemoteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions connection;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Terminal terminal = new Terminal(out, err, Terminal.colourWanted());
        try (Transport transport = connection.connection().open()) {
            return run(transport, terminal);
        } catch (RemoteException e) {
            err.println("kith: " + describe(e));
            return e.unavailable() ? Main.UNAVAILABLE : Main.INPUT_ERROR;
        } catch (KithException | IllegalArgumentException | UncheckedIOException e) {
            err.println("kith: " + e.getMessage());
            return Main.INPUT_ERROR;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** An error answer in one line: kith's code (and the gRPC code when it differs), then the message. */
    static String describe(RemoteException e) {
        String kithCode = e.metadata().get("code");
        String code = kithCode == null || kithCode.equals(e.code()) ? e.code() : kithCode + " (" + e.code() + ")";
        return code + ": " + e.getMessage();
    }

    abstract int run(Transport transport, Terminal terminal);
}
