package dev.kith.cli.remote;

import com.google.protobuf.Message;
import java.util.function.Predicate;

/**
 * A connection to a kith server (or SpiceDB) that sends v1 API messages and reads the answers, over gRPC or over the
 * HTTP API; every failure is a {@link RemoteException}. Close it when done.
 */
public interface Transport extends AutoCloseable {

    /** Sends one request and returns its answer, within the request timeout. */
    <Q extends Message, R extends Message> R call(Rpc<Q, R> rpc, Q request);

    /**
     * Sends one request and hands each streamed answer to {@code sink} until the stream ends or {@code sink} returns
     * false (the call is then cancelled). {@code bounded}: the request timeout applies (false for a watch, which stays
     * open).
     */
    <Q extends Message, R extends Message> void stream(Rpc<Q, R> rpc, Q request, Predicate<R> sink, boolean bounded);

    /**
     * Sends {@code requests} on one client stream (over HTTP: one NDJSON body, a message a line) and returns the one
     * answer, within the request timeout.
     */
    <Q extends Message, R extends Message> R upload(Rpc<Q, R> rpc, java.util.List<Q> requests);

    /** The endpoint, as the user would write it (for messages). */
    String describe();

    @Override
    void close();
}
