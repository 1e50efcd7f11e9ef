package dev.kith.embedded;

import dev.kith.client.Kith;
import dev.kith.client.KithConfig;
import dev.kith.client.KithProvider;
import dev.kith.engine.EngineOptions;

/**
 * Serves {@code embedded:} targets of {@link Kith#connect}: a new in-memory engine per client, with the
 * configuration's deadlines (its key, CA, retries and bound have no use in process).
 */
public final class EmbeddedProvider implements KithProvider {
    /** Found by {@link java.util.ServiceLoader}. */
    public EmbeddedProvider() {}

    @Override
    public String scheme() {
        return "embedded";
    }

    @Override
    public Kith open(KithConfig config) {
        String rest = config.target().substring("embedded:".length());
        if (!rest.isEmpty()) {
            throw new IllegalArgumentException(
                    "kith target `" + config.target() + "`: `embedded:` takes nothing after the colon");
        }
        return EmbeddedKith.start(EngineOptions.defaults(), config.deadline(), config.streamDeadline());
    }
}
