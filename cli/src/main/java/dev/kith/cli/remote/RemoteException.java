package dev.kith.cli.remote;

import java.util.Map;

/**
 * An error answer of the server, or a server that could not be reached, in the same terms whichever transport carried
 * the call: the gRPC status code name ({@code INVALID_ARGUMENT}, {@code UNAVAILABLE}, …), the message, SpiceDB's
 * {@code ERROR_REASON_…} and the metadata of its {@code ErrorInfo} (kith's {@code code}, the {@code field}, …).
 */
public final class RemoteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final String reason;
    private final Map<String, String> metadata;

    public RemoteException(String code, String message, String reason, Map<String, String> metadata) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
        this.metadata = Map.copyOf(metadata);
    }

    /** An error raised on this side: the server could not be reached or did not answer in time. */
    static RemoteException local(String code, String message) {
        return new RemoteException(code, message, null, Map.of());
    }

    /** The name of the gRPC status code, such as {@code FAILED_PRECONDITION}. */
    public String code() {
        return code;
    }

    /** SpiceDB's {@code ERROR_REASON_…}, or null when the answer carried none. */
    public String reason() {
        return reason;
    }

    /** The metadata of the answer's {@code ErrorInfo} (empty when it had none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Whether the server could not be reached, or did not answer within the deadline. */
    public boolean unavailable() {
        return code.equals("UNAVAILABLE") || code.equals("DEADLINE_EXCEEDED");
    }
}
