/** SpiceDB validation files: loading them, and running their assertions and expected relations on an engine. */
package dev.kith.validation;
