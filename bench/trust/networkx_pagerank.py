"""networkx's PageRank of an edge list (source,target,weight per line), personalised on nodes
0..9, alpha 0.85, tol 1e-10: the median time of 5 runs (building the graph included, as the Java
side does), then the largest difference from the Java scores.

Usage: python3 networkx_pagerank.py EDGES.csv JAVA_SCORES.csv
"""
import json
import statistics
import sys
import time

import networkx as nx

edges = [tuple(int(x) for x in line.split(",")) for line in open(sys.argv[1])]
nodes = max(max(a, b) for a, b, _ in edges) + 1
times = []
for run in range(6):
    start = time.perf_counter()
    g = nx.DiGraph()
    g.add_nodes_from(range(nodes))
    for a, b, w in edges:
        if g.has_edge(a, b):
            g[a][b]["weight"] += w
        else:
            g.add_edge(a, b, weight=w)
    ranks = nx.pagerank(g, alpha=0.85, personalization={i: 1 for i in range(10)}, tol=1e-10,
                        max_iter=1000, weight="weight")
    if run > 0:
        times.append(time.perf_counter() - start)
java = {int(a): float(b) for a, b in (line.split(",") for line in open(sys.argv[2]))}
difference = max(abs(ranks[i] - java[i]) for i in range(nodes))
print(json.dumps({"bench": "pagerank-networkx", "nodes": nodes, "edges": len(edges),
                  "seconds": statistics.median(times), "networkx": nx.__version__,
                  "largestDifference": difference}))
