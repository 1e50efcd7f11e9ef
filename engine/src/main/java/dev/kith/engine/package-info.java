/** kith's engine API: value types, requests and results, the {@link dev.kith.engine.Engine} and the storage SPI. */
package dev.kith.engine;
