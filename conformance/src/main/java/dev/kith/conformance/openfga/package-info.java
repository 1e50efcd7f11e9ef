/** Runs OpenFGA's public test data (staged tests, matrices, store files) against kith through the OpenFGA translator. */
package dev.kith.conformance.openfga;
