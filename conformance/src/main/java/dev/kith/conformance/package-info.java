/** The {@code kith-conformance} harness: SpiceDB validation files through HTTP, steel-thread cases, OpenFGA. */
package dev.kith.conformance;
