/**
 * kith's {@link dev.kith.client.Kith} client interface over an engine in the application's process ({@code
 * Kith.connect("embedded:")}, or {@link dev.kith.embedded.EmbeddedKith}): no server, no network, no database driver.
 */
package dev.kith.embedded;
