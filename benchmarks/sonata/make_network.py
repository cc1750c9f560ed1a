"""Writes a SONATA network of N nodes (nest:iaf_psc_exp) and E random edges (syn_weight and delay per edge) for the
read benchmark: python3 make_network.py DIR [NODES] [EDGES]."""
import json, os, sys
import h5py
import numpy as np

folder = sys.argv[1]
nodes = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
edges = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000_000
os.makedirs(folder, exist_ok=True)
rng = np.random.default_rng(1)
with h5py.File(os.path.join(folder, "nodes.h5"), "w") as f:
    g = f.create_group("nodes/cells")
    g["node_id"] = np.arange(nodes, dtype=np.uint64)
    g["node_type_id"] = np.full(nodes, 1, dtype=np.int32)
    g["node_group_id"] = np.zeros(nodes, dtype=np.int32)
    g["node_group_index"] = np.arange(nodes, dtype=np.int32)
    f.create_group("nodes/cells/0")
with open(os.path.join(folder, "node_types.csv"), "w") as f:
    f.write("node_type_id model_type model_template pop_name\n1 point_neuron nest:iaf_psc_exp cells\n")
with h5py.File(os.path.join(folder, "edges.h5"), "w") as f:
    g = f.create_group("edges/cells_to_cells")
    src = g.create_dataset("source_node_id", data=rng.integers(0, nodes, edges, dtype=np.uint64))
    src.attrs["node_population"] = "cells"
    tgt = g.create_dataset("target_node_id", data=np.sort(rng.integers(0, nodes, edges, dtype=np.uint64)))
    tgt.attrs["node_population"] = "cells"
    g["edge_type_id"] = np.full(edges, 1, dtype=np.int32)
    g["edge_group_id"] = np.zeros(edges, dtype=np.int32)
    g["edge_group_index"] = np.arange(edges, dtype=np.int32)
    g["0/syn_weight"] = rng.uniform(-20.0, 40.0, edges)
    g["0/delay"] = rng.uniform(1.0, 3.0, edges).round(1)
with open(os.path.join(folder, "edge_types.csv"), "w") as f:
    f.write("edge_type_id model_template\n1 static_synapse\n")
json.dump({"networks": {"nodes": [{"nodes_file": "nodes.h5", "node_types_file": "node_types.csv"}],
                        "edges": [{"edges_file": "edges.h5", "edge_types_file": "edge_types.csv"}]}},
          open(os.path.join(folder, "circuit_config.json"), "w"))
json.dump({"run": {"tstop": 0.1, "dt": 0.1}, "network": "circuit_config.json"}, open(os.path.join(folder, "simulation_config.json"), "w"))
print(f"wrote {nodes} nodes, {edges} edges to {folder}")
