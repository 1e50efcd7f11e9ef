package dev.kith.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaveatEnvironmentTest {

    @Test
    void ipAddressIsAnOpaqueTypeWithInCidr() throws Exception {
        CelValidationResult result = CaveatEnvironment.compiler(Map.of(
                        "ip", CaveatType.of(CaveatType.Kind.IPADDRESS), "cidr", CaveatType.of(CaveatType.Kind.STRING)))
                .compile("ip.in_cidr(cidr)");
        assertThat(result.hasError()).isFalse();
        CelAbstractSyntaxTree ast = result.getAst();
        assertThat(ast.getResultType()).isEqualTo(SimpleType.BOOL);
        assertThat(ast.getReference(ast.getExpr().id()).get().overloadIds())
                .containsExactly(CaveatEnvironment.IN_CIDR_OVERLOAD);
        assertThat(CaveatEnvironment.IPADDRESS_TYPE.name()).isEqualTo(CaveatEnvironment.IPADDRESS_TYPE_NAME);
    }

    @Test
    void inCidrIsNotAFunctionOfStrings() {
        CelValidationResult result = CaveatEnvironment.compiler(Map.of("ip", CaveatType.of(CaveatType.Kind.STRING)))
                .compile("ip.in_cidr('10.0.0.0/8')");
        assertThat(result.hasError()).isTrue();
    }

    @Test
    void everyParameterTypeIsAVariableOfItsCelType() {
        Map<String, CaveatType> parameters = new LinkedHashMap<>();
        parameters.put("i", CaveatType.of(CaveatType.Kind.INT));
        parameters.put("u", CaveatType.of(CaveatType.Kind.UINT));
        parameters.put("d", CaveatType.of(CaveatType.Kind.DOUBLE));
        parameters.put("b", CaveatType.of(CaveatType.Kind.BOOL));
        parameters.put("s", CaveatType.of(CaveatType.Kind.STRING));
        parameters.put("y", CaveatType.of(CaveatType.Kind.BYTES));
        parameters.put("du", CaveatType.of(CaveatType.Kind.DURATION));
        parameters.put("t", CaveatType.of(CaveatType.Kind.TIMESTAMP));
        parameters.put("l", new CaveatType(CaveatType.Kind.LIST, List.of(CaveatType.of(CaveatType.Kind.INT))));
        parameters.put("m", new CaveatType(CaveatType.Kind.MAP, List.of(CaveatType.of(CaveatType.Kind.BOOL))));
        parameters.put("a", CaveatType.of(CaveatType.Kind.ANY));
        CelValidationResult result = CaveatEnvironment.compiler(parameters)
                .compile("i + 1 > 0 && u > 1u && d < 2.0 && b && s == 'x' && y == b'x'"
                        + " && du > duration('1s') && t > timestamp('2020-01-01T00:00:00Z')"
                        + " && l.all(x, x > 0) && m['k'] && a.z == 1");
        assertThat(result.getErrors()).isEmpty();
    }

    @Test
    void theValidatorRefusesNonBoolExpressionsWithTheirType() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Schemas.compile("t.zed", "caveat ccc(a string) {\n  a + 'x'\n}"))
                .hasMessageStartingWith("t.zed:2:3: caveat `ccc` must return bool, but its expression returns string");
    }
}
