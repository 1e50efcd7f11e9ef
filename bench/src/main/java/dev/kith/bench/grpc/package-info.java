/** The closed-loop gRPC load generator: kith's {@code authzed.api.v1} CheckPermission, with a health baseline. */
package dev.kith.bench.grpc;
