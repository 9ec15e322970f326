package io.digitstream.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class EngineKindTest {
    @Test
    void aCpuWithAvx2OrLaterGetsTheInt8Engine() {
        assertThat(Int8Instructions.of(Set.of("avx2", "avx512f", "avx512_vnni", "amx_tile", "amx_int8")))
                .isEqualTo(Int8Instructions.AMX_INT8);
        assertThat(Int8Instructions.of(Set.of("avx2", "avx512f", "avx512_vnni")))
                .isEqualTo(Int8Instructions.AVX512_VNNI);
        assertThat(Int8Instructions.of(Set.of("avx2", "avx_vnni"))).isEqualTo(Int8Instructions.AVX_VNNI);
        // a Zen 3 or a Skylake: AVX2 and even AVX-512F, int8 products in two instructions, still faster
        assertThat(Int8Instructions.of(Set.of("sse4_2", "avx2", "fma", "avx512f")))
                .isEqualTo(Int8Instructions.AVX2);
        for (Int8Instructions int8 : new Int8Instructions[] {
            Int8Instructions.AMX_INT8, Int8Instructions.AVX512_VNNI, Int8Instructions.AVX_VNNI, Int8Instructions.AVX2
        }) {
            assertThat(EngineKind.fastestOn(int8)).isEqualTo(EngineKind.ONNX_INT8);
        }
    }

    @Test
    void withoutAvx2Float32Serves() {
        assertThat(Int8Instructions.of(Set.of("sse4_2"))).isEqualTo(Int8Instructions.OLDER);
        assertThat(EngineKind.fastestOn(Int8Instructions.OLDER)).isEqualTo(EngineKind.ONNX);
        assertThat(EngineKind.fastestOn(Int8Instructions.UNKNOWN)).isEqualTo(EngineKind.ONNX);
    }

    @Test
    void autoIsThisMachinesFastest() {
        assertThat(EngineKind.parse(" Auto ")).isEqualTo(EngineKind.fastestOn(Int8Instructions.ofThisCpu()));
        assertThat(EngineKind.parse("onnx")).isEqualTo(EngineKind.ONNX);
        assertThat(EngineKind.parse("onnx-int8")).isEqualTo(EngineKind.ONNX_INT8);
    }

    @Test
    void anUnknownEngineNamesTheChoices() {
        assertThatThrownBy(() -> EngineKind.parse("tensorrt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown engine 'tensorrt' (onnx, onnx-int8 or auto)");
    }
}
