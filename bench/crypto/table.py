#!/usr/bin/env python3
"""Turns bench/results/crypto.json (JMH) into the Markdown table of bench/results/crypto.md."""
import json
import re
import sys

# Published optimised C (AVX2) cycle counts, the physical reference: ML-KEM-768 from the
# Kyber team's AVX2 implementation, ML-DSA-65 from the Dilithium team's (as the issue quotes them).
REFERENCE_CYCLES = {
    ("ML-KEM-768", "kemKeygen"): 21_000,
    ("ML-KEM-768", "kemEncapsulate"): 22_000,
    ("ML-KEM-768", "kemDecapsulate"): 28_000,
    ("ML-DSA-65", "signatureKeygen"): 61_000,
    ("ML-DSA-65", "signatureSign"): 202_000,
}
OPERATION = {
    "kemKeygen": "keygen", "kemEncapsulate": "encaps", "kemDecapsulate": "decaps",
    "signatureKeygen": "keygen", "signatureSign": "sign", "signatureVerify": "verify",
    "aesGcmEncrypt1KiB": "encrypt 1 KiB",
}


def clock_hz():
    with open("/proc/cpuinfo") as info:
        for line in info:
            match = re.match(r"cpu MHz\s*:\s*([0-9.]+)", line)
            if match:
                return float(match.group(1)) * 1e6
    raise SystemExit("no 'cpu MHz' in /proc/cpuinfo")


def main(path):
    hz = clock_hz()
    rows = []
    for result in json.load(open(path)):
        op = result["benchmark"].rsplit(".", 1)[1]
        params = result.get("params") or {}
        subject = params.get("kem") or params.get("scheme") or "AES-256-GCM/JDK"
        algorithm, implementation = subject.split("/")
        score = result["primaryMetric"]["score"]
        error = result["primaryMetric"]["scoreError"]
        cycles = hz / score
        reference = REFERENCE_CYCLES.get((algorithm, op))
        ratio = f"{cycles / reference:.1f}x" if reference else ""
        rows.append((algorithm, OPERATION[op], implementation.replace("BOUNCY_CASTLE", "BC"),
                     f"{score:,.0f} ± {error:,.0f}", f"{cycles:,.0f}",
                     f"{reference:,}" if reference else "", ratio))
    print(f"Clock used for cycles: {hz / 1e6:.0f} MHz (from /proc/cpuinfo)\n")
    print("| algorithm | operation | implementation | ops/s (± 99.9% CI) | cycles/op | optimised C (cycles) | ratio |")
    print("|---|---|---|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
