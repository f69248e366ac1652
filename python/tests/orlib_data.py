"""OR-Library distances computed with scipy, independently of lifecircle's own reader.

Shared by the tests and by the benchmark scripts (which add this folder to sys.path).
"""

from pathlib import Path


def orlib_costs(path):
    """All-pairs shortest paths of an OR-Library file with scipy (last duplicate edge wins)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import shortest_path

    lines = [ln.split() for ln in Path(path).read_text().splitlines() if ln.strip()]
    n, m, p = (int(v) for v in lines[0])
    edges = {}
    for a, b, c in lines[1 : m + 1]:
        a, b = int(a) - 1, int(b) - 1
        edges[(min(a, b), max(a, b))] = float(c)
    rows = [a for a, _ in edges] + [b for _, b in edges]
    cols = [b for _, b in edges] + [a for a, _ in edges]
    graph = csr_matrix((list(edges.values()) * 2, (rows, cols)), shape=(n, n))
    return np.ascontiguousarray(shortest_path(graph, directed=False)), p
