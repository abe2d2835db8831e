"""A stand-in for training: a seeded, noisy descent of a loss, standard library only.

Writes OUT/metrics.json (final loss and accuracy) and OUT/curve.csv (loss per step).
Deterministic for a given (--lr, --width, --seed), unless FIT_NOISE_SCALE is set in the
environment it was started from: the tests use that to make a run that is close to, but
not bitwise equal to, another (as GPU kernels do); and FIT_FAIL_WIDTH=N makes the jobs of
width N fail (exit 3) without writing anything.
"""

import argparse
import json
import os
import random
import sys

STEPS = 8


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, required=True)
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if os.environ.get("FIT_FAIL_WIDTH") == str(args.width):
        sys.exit(3)
    rng = random.Random(args.seed)
    noise = 0.02 * float(os.environ.get("FIT_NOISE_SCALE", "1"))
    loss, rows = 1.0, []
    for step in range(STEPS):
        loss *= 1.0 - args.lr * (0.5 + 0.02 * args.width) + rng.gauss(0.0, noise)
        rows.append(f"{step},{loss:.9f}")
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "curve.csv"), "w", encoding="utf-8") as f:
        f.write("step,train_loss\n" + "\n".join(rows) + "\n")
    metrics = {"loss": round(loss, 9), "accuracy": round(1.0 - loss / 2.0, 9), "width": args.width}
    with open(os.path.join(args.out, "metrics.json"), "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
