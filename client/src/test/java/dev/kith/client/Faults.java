package dev.kith.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Client interceptors that break calls of one method the way a network or a restarting server does. */
final class Faults {
    private Faults() {}

    /** Every call of {@code method}: counted, its requests recorded. */
    abstract static class Fault implements ClientInterceptor {
        final String method;
        final AtomicInteger calls = new AtomicInteger();
        final List<Object> requests = new CopyOnWriteArrayList<>();

        Fault(String method) {
            this.method = method;
        }

        @Override
        public final <Q, R> ClientCall<Q, R> interceptCall(
                MethodDescriptor<Q, R> m, CallOptions options, Channel next) {
            if (!m.getBareMethodName().equals(method)) return next.newCall(m, options);
            int n = calls.incrementAndGet();
            ClientCall<Q, R> call = next.newCall(m, options);
            return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    Listener<R> l = listener(n, call, listener);
                    if (l == null) {
                        listener.onClose(Status.UNAVAILABLE.withDescription("refused by the test"), new Metadata());
                        return;
                    }
                    super.start(l, headers);
                }

                @Override
                public void sendMessage(Q message) {
                    requests.add(message);
                    if (!refused(n)) super.sendMessage(message);
                }

                @Override
                public void request(int count) {
                    if (!refused(n)) super.request(count);
                }

                @Override
                public void halfClose() {
                    if (!refused(n)) super.halfClose();
                }
            };
        }

        /** The listener of the {@code n}-th call, or null to answer it UNAVAILABLE without sending it. */
        abstract <Q, R> ClientCall.Listener<R> listener(int n, ClientCall<Q, R> call, ClientCall.Listener<R> listener);

        boolean refused(int n) {
            return false;
        }
    }

    /** The first {@code failures} calls of {@code method} are answered UNAVAILABLE without reaching the server. */
    static Fault failFirst(String method, int failures) {
        return new Fault(method) {
            @Override
            <Q, R> ClientCall.Listener<R> listener(int n, ClientCall<Q, R> call, ClientCall.Listener<R> listener) {
                return n <= failures ? null : listener;
            }

            @Override
            boolean refused(int n) {
                return n <= failures;
            }
        };
    }

    /** The first call of {@code method} is cut with UNAVAILABLE when its message number {@code after + 1} arrives. */
    static Fault cutFirstAfter(String method, int after) {
        return new Fault(method) {
            @Override
            <Q, R> ClientCall.Listener<R> listener(int n, ClientCall<Q, R> call, ClientCall.Listener<R> listener) {
                if (n > 1) return listener;
                return new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    private int seen;
                    private boolean cut;

                    @Override
                    public void onMessage(R message) {
                        if (cut) return;
                        if (seen++ == after) {
                            cut = true;
                            call.cancel("cut by the test", null);
                            listener.onClose(Status.UNAVAILABLE.withDescription("cut by the test"), new Metadata());
                            return;
                        }
                        super.onMessage(message);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        if (!cut) super.onClose(status, trailers);
                    }
                };
            }
        };
    }

    /** Every call of {@code method} waits {@code millis} before it starts (a slow network). */
    static Fault slowStart(String method, long millis) {
        return new Fault(method) {
            @Override
            <Q, R> ClientCall.Listener<R> listener(int n, ClientCall<Q, R> call, ClientCall.Listener<R> listener) {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return listener;
            }
        };
    }
}
