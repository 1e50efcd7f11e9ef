/**
 * Test support for applications that use kith: {@link dev.kith.junit.KithSchema} starts an embedded kith loaded from
 * a SpiceDB validation file and injects its client; {@link dev.kith.junit.KithAssertions} asserts on its answers.
 */
package dev.kith.junit;
