/**
 * The differential test against the real SpiceDB: seeded random cases ({@link CaseGenerator}), SpiceDB's answers
 * from a Node script ({@link SpiceDbOracle}), kith's from an in-process engine ({@link KithAnswers}), and the
 * comparison that sorts every difference into a named class ({@link Comparison}).
 */
package dev.kith.conformance.differential;
