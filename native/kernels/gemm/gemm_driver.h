// Portable BLIS/GotoBLAS blocking loops around an ISA's MR×NR microkernel, plus the no-pack paths
// (row-group kernels for skinny/small shapes, GEMV for M = 1) written over a tiny vector interface.
// By concern: gemm_store.h (tile → C, epilogues), gemm_rows.h (no-pack row kernels), gemm_pack.h
// (packing, pre-packed B), and here the packed five-loop path and the choice between paths.
//
// ODR: this header is meant to be #included INSIDE an anonymous namespace inside the ISA's
// namespace, e.g.
//     namespace kindling { namespace avx512 { namespace { #include "gemm_driver.h" } } }
// so that every function here is compiled once per ISA flag set, with internal linkage: nothing
// compiled with -march=x86-64-v4 can be picked by the linker to serve the baseline path.
// Hence: no system #include and no #pragma once here (the including file includes <cstdint>,
// <cstring> and kernels.h first; the fragments below are included in order), and no std:: templates (their instantiations are weak, shared symbols).
//
// The including file defines, before the #include:
//   constants   MR, NR (register tile), KC (K block), MC (rows of the packed A block, multiple
//               of MR), NC (columns of the packed B block, multiple of NR), B_PANEL_IN_L1 (loop
//               order, see gemm_packed), UKR_TAILS (ukernel stores partial tiles itself).
//   vector ops  vf, VL, vzero, vset1, vload, vloadn, vstore, vstoren, vfma, vmul, vadd, vmax0, vhsum
//               (vloadn/vstoren touch only n < VL elements; the others VL).
//   ukernel(kc, pa, pb, c, ldc, mr, nr, st)   packed panels → C tile, applying `st`.
//   tr4x4(s, lds, d, ldd)                     d[t*ldd + i] = s[i*lds + t] for a 4×4 block (used by
//                                             the packing routines below for transposed sources).
//   act_unary(op, x, n)                       runs this ISA's activation kernel in place over n
//                                             floats (the epilogues other than relu; see epi_row).
//   direct_takes(g)                           whether the ISA's no-pack tile path takes the product
//   gemm_direct(g, r0, r1, c0, c1, ws)        (false, and an empty gemm_direct, when it has none).
//   rows4_kloop(kc, a, ars, acs, p, acc)      optional, with #define KD_ROWS4_KLOOP: the K loop of
//                                             rows_packed<4> (acc[4][NR / VL] += A rows × packed B).

#include "gemm_store.h"
#include "gemm_rows.h"
#include "gemm_pack.h"

// ---------------------------------------------------------------------------------------------
// Packed path: five loops around the microkernel. Which packed operand stays in L1 is the ISA's
// choice (B_PANEL_IN_L1):
//  - true (GotoBLAS order, AVX2 and the reference): columns by NC (B block, L3) → K by KC (pack B)
//    → rows by MC (pack A: the MC×KC block stays in L2) → NR panels of B (one KC×NR panel in L1)
//    → MR panels of A (streamed from L2, broadcast) → microkernel.
//  - false (AVX-512, where a KC×32 B panel would not fit L1): rows by MC (A block, L3) → K by KC
//    (pack A) → columns by NC (pack B: the KC×NC block stays in L2) → MR panels of A (one 12×KC
//    panel in L1) → NR panels of B (streamed from L2) → microkernel. This is BLIS's skx
//    arrangement transposed for row-major C.
struct PackedCtx {
  const GemmArgs& g;
  float* tile;
  bool transc;
};

// One packed block: mc×nc of C at (i0, j0), K slice [k0, k0+kc).
static void macro_kernel(const PackedCtx& x, const float* pa, const float* pb, int64_t i0, int64_t mc,
                         int64_t j0, int64_t nc, int64_t kc, bool first, bool last) {
  const GemmArgs& g = x.g;
  auto tile_at = [&](int64_t ir, int64_t jr) {
    const int64_t mr = imin(MR, mc - ir), nr = imin(NR, nc - jr);
    const int64_t j = j0 + jr;
    float* c = g.C + (i0 + ir) * g.ldc + j;
    const Store st{g.alpha, first ? g.beta : 1.0f, last && g.bias ? g.bias + j : nullptr,
                   last && g.epilogue == U_RELU};
    const float* a = pa + ir * kc;
    const float* b = pb + jr * kc;
    if (UKR_TAILS || (mr == MR && nr == NR)) {
      ukernel(kc, a, b, c, g.ldc, mr, nr, st);
    } else {
      ukernel(kc, a, b, x.tile, NR, MR, NR, Store{1.0f, 0.0f, nullptr, false});
      merge_tile(x.tile, NR, c, g.ldc, mr, nr, st);
    }
    if (last && x.transc)
      for (int64_t r = 0; r < mr; ++r) epi_row(c + r * g.ldc, nr, g.epilogue);
  };
  if (B_PANEL_IN_L1) {
    for (int64_t jr = 0; jr < nc; jr += NR)
      for (int64_t ir = 0; ir < mc; ir += MR) tile_at(ir, jr);
  } else {
    for (int64_t ir = 0; ir < mc; ir += MR)
      for (int64_t jr = 0; jr < nc; jr += NR) tile_at(ir, jr);
  }
}

// The packed A block at (i0, k0): a slice of the split's shared copy when it covers all M rows
// (mc == M: one block of rows, i0 = 0), else packed here into pa.
static const float* a_block(const GemmArgs& g, int64_t i0, int64_t mc, int64_t k0, int64_t kc, float* pa) {
  if (g.Ap && mc == g.M) return g.Ap + round_up(g.M, MR) * k0;
  pack_a(g, i0, mc, k0, kc, pa);
  return pa;
}

static void gemm_packed(const GemmArgs& g, int64_t r0, int64_t r1, int64_t c0, int64_t c1, float* ws) {
  float* pa = ws;
  float* pb = ws + MC * KC;
  const PackedCtx x{g, pb + KC * NC, epi_is_transcendental(g.epilogue)};  // tile: MR×NR scratch
  const int64_t K = g.K, kb = k_block(K);
  if (B_PANEL_IN_L1) {
    for (int64_t j0 = c0; j0 < c1; j0 += NC) {
      const int64_t nc = imin(NC, c1 - j0);
      for (int64_t k0 = 0; k0 < K; k0 += kb) {
        const int64_t kc = imin(kb, K - k0);
        const float* b = g.Bp ? packed_block(g, k0, kc, j0) : (pack_b(g, k0, kc, j0, nc, pb), pb);
        for (int64_t i0 = r0; i0 < r1; i0 += MC) {
          const int64_t mc = imin(MC, r1 - i0);
          macro_kernel(x, a_block(g, i0, mc, k0, kc, pa), b, i0, mc, j0, nc, kc, k0 == 0, k0 + kc >= K);
        }
      }
    }
  } else {
    for (int64_t i0 = r0; i0 < r1; i0 += MC) {
      const int64_t mc = imin(MC, r1 - i0);
      for (int64_t k0 = 0; k0 < K; k0 += kb) {
        const int64_t kc = imin(kb, K - k0);
        const float* a = a_block(g, i0, mc, k0, kc, pa);
        for (int64_t j0 = c0; j0 < c1; j0 += NC) {
          const int64_t nc = imin(NC, c1 - j0);
          const float* b = g.Bp ? packed_block(g, k0, kc, j0) : (pack_b(g, k0, kc, j0, nc, pb), pb);
          macro_kernel(x, a, b, i0, mc, j0, nc, kc, k0 == 0, k0 + kc >= K);
        }
      }
    }
  }
}

// Below this many multiply-adds a block skips packing and uses the row-group kernels.
constexpr int64_t SMALL_MACS = 32 * 1024;

static int64_t workspace_floats() {
  // Packed A block + packed B block + one partial tile. The row kernels need 4·K floats only
  // when transA && transB, and are used then only if that fits (else the packed path runs).
  return round_up(MC * KC + KC * NC + MR * NR, 16) + 16;
}

// Paths are chosen by the whole product, never by a block: a block of a threaded split then runs
// the arithmetic the single-threaded call runs, so results do not depend on the thread count (a
// narrow last column block once took the row kernels while the whole product was packed).
// Row kernels: GEMV for one row, few rows, or tiny problems. With transA && transB they gather 4
// rows of A into the workspace, so K must fit there.
static bool rows_take(const GemmArgs& g) {
  const bool rows_ok = !(g.transA && g.transB) || 4 * g.K <= MC * KC;
  return rows_ok && (g.M <= 4 || g.M * g.N * g.K < SMALL_MACS);
}

// Whether the product without pre-packed B runs the packed path (the only one that packs op(B)).
static bool packs_b(const GemmArgs& g) {
  return g.M > 0 && g.N > 0 && g.K > 0 && g.alpha != 0.0f && !rows_take(g) && !direct_takes(g);
}

// op(A) packed whole, the K blocks of the packed path in order (block k0 at round_up(M, MR)·k0),
// for a column split's blocks to share: only when the whole product takes the packed path with one
// block of rows, so every block reads exactly the panels it would have packed (same bits).
static int64_t shared_a_floats(const GemmArgs& g) {
  return !g.Bp && g.M <= MC && packs_b(g) ? round_up(g.M, MR) * g.K : 0;
}

static void pack_a_shared(const GemmArgs& g, float* dst, int64_t part, int64_t parts) {
  const int64_t kb = k_block(g.K), mr = round_up(g.M, MR);
  int64_t t = 0;
  for (int64_t k0 = 0; k0 < g.K; k0 += kb, ++t)
    if (t % parts == part) pack_a(g, 0, g.M, k0, imin(kb, g.K - k0), dst + mr * k0);
}

static void gemm_block_impl(const GemmArgs& g, int64_t r0, int64_t r1, int64_t c0, int64_t c1, float* ws) {
  if (r0 >= r1 || c0 >= c1) return;
  if (g.K == 0 || g.alpha == 0.0f) return gemm_scale(g, r0, r1, c0, c1);
  const int64_t m = g.M, n = g.N;
  // shared by a split (packs_b held): the packed path, as on one thread (a layer's pre-packed
  // weights below may take the row kernels instead, whose sums are ordered differently)
  if (g.Bp && g.BpShared && c0 % NR == 0) return gemm_packed(g, r0, r1, c0, c1, ws);
  if (g.Bp && !g.BpShared) {
    if (c0 % NR == 0) {
      // With at most two panels of columns (a classifier head), packing A (m·K floats) costs about
      // as much as the product: Linear(512, 10) on 4096 rows, 1 thread, ran at 8.8-9.8 GFLOP/s
      // through the packed path and 12.4-14.6 through the row kernels.
      if (m <= 4 || n <= 2 * NR || m * n * g.K < SMALL_MACS) return gemm_rows_packed(g, r0, r1, c0, c1);
      return gemm_packed(g, r0, r1, c0, c1, ws);
    }
    // a column split that does not fall on a panel boundary: read B itself (still valid)
    GemmArgs u = g;
    u.Bp = nullptr;
    return gemm_block_impl(u, r0, r1, c0, c1, ws);
  }
  if (rows_take(g)) return gemm_rows(g, r0, r1, c0, c1, ws);
  if (direct_takes(g)) return gemm_direct(g, r0, r1, c0, c1, ws);
  gemm_packed(g, r0, r1, c0, c1, ws);
}
