package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.MoreExecutors;
import dev.kith.proto.v1.PermissionsServiceGrpc;
import dev.kith.proto.v1.SchemaServiceGrpc;
import dev.kith.proto.v1.WatchServiceGrpc;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** Which thread each gRPC method runs on: only the check and the health check stay on the network thread. */
class GrpcExecutorsTest {

    private final Executor workers = Runnable::run;

    @Test
    void theCheckAndTheHealthCheckRunOnTheNetworkThread() {
        assertThat(GrpcServer.executorOf(
                        PermissionsServiceGrpc.getCheckPermissionMethod().getFullMethodName(), workers))
                .isSameAs(MoreExecutors.directExecutor());
        assertThat(GrpcServer.executorOf(HealthGrpc.getCheckMethod().getFullMethodName(), workers))
                .isSameAs(MoreExecutors.directExecutor());
    }

    @Test
    void everyOtherMethodRunsOnTheWorkers() {
        for (String method : new String[] {
            PermissionsServiceGrpc.getWriteRelationshipsMethod().getFullMethodName(),
            PermissionsServiceGrpc.getCheckBulkPermissionsMethod().getFullMethodName(),
            PermissionsServiceGrpc.getLookupResourcesMethod().getFullMethodName(),
            PermissionsServiceGrpc.getImportBulkRelationshipsMethod().getFullMethodName(),
            SchemaServiceGrpc.getWriteSchemaMethod().getFullMethodName(),
            WatchServiceGrpc.getWatchMethod().getFullMethodName(),
            HealthGrpc.getWatchMethod().getFullMethodName(),
            "grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
            "no.such.Service/Method"
        }) {
            assertThat(GrpcServer.executorOf(method, workers)).as(method).isSameAs(workers);
        }
    }
}
