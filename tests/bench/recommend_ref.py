#!/usr/bin/python3
"""A straightforward NumPy ALS, the reference for recommend's benchmark.

Explicit ALS-WR as Spark MLlib and `recommend` solve it: for each row u,
(Y_u'Y_u + lambda * n_u * I) x_u = Y_u' r_u over the items u rated; items
first, then users, each iteration.  The initial factors are the ones
`recommend` starts from (lib/rng.c's xoshiro256** seeded through
splitmix64, Box-Muller normals, rows scaled to unit length, users first,
ids in order of first appearance in the training file), so the two
results can be compared number for number.

usage: recommend_ref.py TRAIN.csv TEST.csv [--rank K] [--iters N]
                        [--lambda L] [--seed S]
Prints one line of key=value figures.
"""
import argparse
import csv
import math
import sys
import time

import numpy as np

MASK = (1 << 64) - 1


class Rng:
    """lib/rng.c, bit for bit."""

    def __init__(self, seed):
        self.s = []
        x = seed & MASK
        for _ in range(4):
            x, z = self._splitmix(x)
            self.s.append(z)

    @staticmethod
    def _splitmix(x):
        x = (x + 0x9E3779B97F4A7C15) & MASK
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return x, z ^ (z >> 31)

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next(self):
        s = self.s
        result = (self._rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotl(s[3], 45)
        return result

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53

    def normal(self):
        u1 = self.uniform()
        while u1 <= 0.0:
            u1 = self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(6.283185307179586 * u2)


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if rows and not _is_number(rows[0][2]):
        rows = rows[1:]
    return [(r[0], r[1], float(r[2])) for r in rows]


def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("test")
    ap.add_argument("--rank", type=int, default=10)
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--lambda", dest="lam", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    t0 = time.perf_counter()

    train = read(a.train)
    test = read(a.test)
    users, items = {}, {}
    for u, i, _ in train:
        users.setdefault(u, len(users))
        items.setdefault(i, len(items))
    # Repeated pairs are summed, as recommend's default aggregation.
    agg = {}
    for u, i, r in train:
        key = (users[u], items[i])
        agg[key] = agg.get(key, 0.0) + r
    nu, ni, k = len(users), len(items), a.rank
    by_user = [[] for _ in range(nu)]
    by_item = [[] for _ in range(ni)]
    for (u, i), r in sorted(agg.items()):
        by_user[u].append((i, r))
        by_item[i].append((u, r))
    by_user = [(np.array([i for i, _ in row], dtype=np.int64),
                np.array([r for _, r in row])) for row in by_user]
    by_item = [(np.array([u for u, _ in row], dtype=np.int64),
                np.array([r for _, r in row])) for row in by_item]

    rng = Rng(a.seed)
    init = np.empty((nu + ni, k))
    for row in range(nu + ni):
        x = [rng.normal() for _ in range(k)]
        n = math.sqrt(sum(v * v for v in x))
        init[row] = [v / n for v in x]
    U, V = init[:nu].copy(), init[nu:].copy()
    t_parse = time.perf_counter() - t0

    eye = np.eye(k)

    def half(rows, src, dst):
        for r, (idx, val) in enumerate(rows):
            Y = src[idx]
            A = Y.T @ Y + a.lam * len(idx) * eye
            dst[r] = np.linalg.solve(A, Y.T @ val)

    t1 = time.perf_counter()
    for _ in range(a.iters):
        half(by_item, U, V)
        half(by_user, V, U)
    t_train = time.perf_counter() - t1

    se = n = 0
    for u, i, r in test:
        if u in users and i in items:
            e = U[users[u]] @ V[items[i]] - r
            se += e * e
            n += 1
    rmse = math.sqrt(se / n)
    t_all = time.perf_counter() - t0
    print("users=%d items=%d train_ratings=%d test_scored=%d "
          "parse_ms=%.1f train_ms=%.1f per_iter_ms=%.2f total_ms=%.1f "
          "rmse=%.6f" % (nu, ni, len(agg), n, t_parse * 1e3, t_train * 1e3,
                         t_train * 1e3 / a.iters, t_all * 1e3, rmse))
    return 0


if __name__ == "__main__":
    sys.exit(main())
