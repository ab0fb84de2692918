"""sin and cos of the Box-Muller angles TWO_PI * u (u = k * 2^-53) for src/random/trig.ts: glibc's
values (Python's math.sin and math.cos call this machine's libm, glibc 2.36, the one PyTorch 1.13
links) beside the correctly rounded ones (mpmath at 200 bits, rounded to nearest; Debian's
python3-mpmath comes with python3-torch, through python3-sympy).

  python3 scripts/golden.py random_trig
      tests/fixtures/random_trig.json: edge cases, 3000 random angles, and every angle of a larger
      sample where glibc's result is not the correctly rounded one
  python3 -P scripts/golden/random_trig.py check [N]   (npm run build first; -P keeps this
      folder, whose random.py would shadow the standard module, off the import path)
      N (default 10^7) random angles through dist/random/trig.js against glibc: the mismatches,
      each classified by mpmath, and a full check against mpmath on the first 10^6
"""
import array
import math
import os
import random
import subprocess
import sys
import tempfile
import pathlib

import mpmath

mpmath.mp.prec = 200
TWO_PI = 2 * math.pi
ROOT = pathlib.Path(__file__).resolve().parents[2]


def correctly_rounded(theta):
    """(sin, cos) of the double theta, rounded to nearest from 200 bits."""
    t = mpmath.mpf(theta)
    return float(mpmath.sin(t)), float(mpmath.cos(t))


def angles(rng, n):
    return [TWO_PI * (rng.getrandbits(53) * 2.0**-53) for _ in range(n)]


def neighbours(x, count):
    """x and the `count` doubles on each side of it."""
    out = [x]
    lo = hi = x
    for _ in range(count):
        lo, hi = math.nextafter(lo, -math.inf), math.nextafter(hi, math.inf)
        out += [lo, hi]
    return sorted(out)


def edges():
    tiny = [0.0, 5e-324, 1e-300, TWO_PI * 2.0**-53, 2.0**-28, 1e-8, 0.0078125, 0.5]
    return (tiny + neighbours(2.0**-27, 2) + neighbours(math.pi / 2, 3) + neighbours(math.pi, 3)
            + neighbours(1.5 * math.pi, 3) + neighbours(TWO_PI, 0) + [math.nextafter(TWO_PI, 0), TWO_PI * (1 - 2.0**-53)]
            + neighbours(math.pi / 4, 2) + neighbours(0.75 * math.pi, 2)
            # the angles of the three float64 normals in random.json where glibc is not correctly rounded
            + [float.fromhex("0x1.2dd7292900d21p-1"), float.fromhex("0x1.54cc46f4b64f9p+2"), float.fromhex("0x1.61c7fd66f4841p-1")]
            # hard cases from the check on 10^7 angles: sin or cos within 10^-6 ulp of a rounding midpoint
            + [float.fromhex(h) for h in ("0x1.e0d5863824a1ap+0", "0x1.775d605647374p+2", "0x1.8ede67d8f83ecp+2",
                                          "0x1.1dd33349fe1c2p+2", "0x1.b5460231c4f33p-2")])


def main():
    from _common import write

    rng = random.Random(2026)
    sample = angles(rng, 200000)
    misrounded = [t for t in sample if (math.sin(t), math.cos(t)) != correctly_rounded(t)]
    thetas = edges() + sample[:3000] + misrounded
    cr = [correctly_rounded(t) for t in thetas]
    write("random_trig", {
        "glibc": os.confstr("CS_GNU_LIBC_VERSION"),
        "counts": {"edges": len(edges()), "random": 3000, "misrounded": len(misrounded), "sample": len(sample)},
        "angles": thetas,
        "glibc_sin": [math.sin(t) for t in thetas],
        "glibc_cos": [math.cos(t) for t in thetas],
        "sin": [s for s, _ in cr],
        "cos": [c for _, c in cr],
    })


NODE = """
import { readFileSync, writeFileSync } from 'node:fs';
import { sincos } from '%s';
const b = readFileSync(process.argv[1]);
const x = new Float64Array(b.buffer, b.byteOffset, b.length / 8), out = new Float64Array(2 * x.length), sc = new Float64Array(2);
for (let i = 0; i < x.length; i++) { sincos(x[i], sc); out[2 * i] = sc[0]; out[2 * i + 1] = sc[1]; }
writeFileSync(process.argv[2], out);
"""


def kindling(thetas, tmp):
    """sincos of each angle through the built dist/random/trig.js: [(sin, cos)]."""
    src, dst = os.path.join(tmp, "in.bin"), os.path.join(tmp, "out.bin")
    with open(src, "wb") as f:
        array.array("d", thetas).tofile(f)
    module = (ROOT / "dist" / "random" / "trig.js").as_uri()
    subprocess.run(["node", "--input-type=module", "-e", NODE % module, src, dst], check=True)
    out = array.array("d")
    with open(dst, "rb") as f:
        out.frombytes(f.read())
    return list(zip(out[0::2], out[1::2]))


def check(n, full=1000000, chunk=1000000):
    rng = random.Random(53)
    stats = {"sin": [0, 0, 0], "cos": [0, 0, 0]}  # mismatches: glibc right, kindling right, neither
    wrong = []  # (function, angle, kindling, glibc) where kindling is not correctly rounded
    full_bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        first = edges()
        done = 0
        while done < n:
            m = min(chunk, n - done)
            thetas = first + angles(rng, m)
            first = []
            ours = kindling(thetas, tmp)
            for idx, (t, (s, c)) in enumerate(zip(thetas, ours)):
                if done + idx < full and (s, c) != correctly_rounded(t):
                    full_bad += 1
                for name, mine, theirs in (("sin", s, math.sin(t)), ("cos", c, math.cos(t))):
                    if mine != theirs:
                        exact = correctly_rounded(t)[0 if name == "sin" else 1]
                        stats[name][0 if theirs == exact else 1 if mine == exact else 2] += 1
                        if mine != exact:
                            wrong.append((name, t.hex(), mine.hex(), theirs.hex()))
            done += m
            print(f"{done} angles: sin mismatches {sum(stats['sin'])}, cos {sum(stats['cos'])}", flush=True)
    print(f"angles: {n} random TWO_PI*u plus {len(edges())} edge cases ({os.confstr('CS_GNU_LIBC_VERSION')})")
    for name, (g, k, neither) in stats.items():
        print(f"{name}: {g + k + neither} differ from glibc: glibc correctly rounded {g}, kindling {k}, neither {neither}")
    print(f"against mpmath on the first {full}: {full_bad} not correctly rounded")
    if wrong:
        print("kindling not correctly rounded (function, angle, kindling, glibc):", wrong)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "check":
        check(int(float(sys.argv[2])) if len(sys.argv) > 2 else 10**7)
    else:
        sys.exit(__doc__)
