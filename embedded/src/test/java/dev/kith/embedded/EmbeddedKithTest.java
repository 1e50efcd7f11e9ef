package dev.kith.embedded;

import dev.kith.client.Kith;
import dev.kith.client.KithConfig;
import dev.kith.client.KithContract;

/** The {@link KithContract} against an engine in process, opened by its URL as an application would. */
class EmbeddedKithTest extends KithContract {
    @Override
    protected Kith open() {
        return Kith.connect(
                KithConfig.builder("embedded:").consistencyTokens(null).build());
    }
}
