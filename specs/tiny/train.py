"""Fit y = a*x + b to a CSV of points with seeded stochastic gradient descent.

The tiny xspec example: standard library only, deterministic for a given
(--lr, --epochs, --seed, --data), so end-to-end tests can compare its output
byte for byte.

    python3 train.py --lr 0.05 --epochs 20 --seed 7 --data data/points.csv --out metrics.json
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random


def read_points(path: str) -> list[tuple[float, float]]:
    with open(path, newline="", encoding="utf-8") as f:
        return [(float(row["x"]), float(row["y"])) for row in csv.DictReader(f)]


def fit(points: list[tuple[float, float]], lr: float, epochs: int, seed: int) -> tuple[float, float]:
    rng = random.Random(seed)
    a, b = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
    order = list(range(len(points)))
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            x, y = points[i]
            error = a * x + b - y
            a -= lr * error * x
            b -= lr * error
    return a, b


def mean_squared_error(points: list[tuple[float, float]], a: float, b: float) -> float:
    return sum((a * x + b - y) ** 2 for x, y in points) / len(points)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lr", type=float, required=True)
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--data", default="data/points.csv")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    points = read_points(args.data)
    a, b = fit(points, args.lr, args.epochs, args.seed)
    metrics = {
        "lr": args.lr,
        "epochs": args.epochs,
        "seed": args.seed,
        "n": len(points),
        "slope": round(a, 12),
        "intercept": round(b, 12),
        "mse": round(mean_squared_error(points, a, b), 12),
    }
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
