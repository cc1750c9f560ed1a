"""Reads the columns Meta reads (source, target, edge type, group id and index, syn_weight, delay) with h5py into NumPy
arrays; prints the time and the peak resident memory: python3 read_h5py.py DIR."""
import resource, sys, time
import h5py

start = time.perf_counter()
with h5py.File(sys.argv[1] + "/edges.h5", "r") as f:
    g = f["edges/cells_to_cells"]
    columns = [g[name][()] for name in ("source_node_id", "target_node_id", "edge_type_id", "edge_group_id", "edge_group_index",
                                        "0/syn_weight", "0/delay")]
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"h5py: read {len(columns[0])} edges in {seconds:.2f} s, peak RSS {peak:.0f} MiB, columns {sum(c.nbytes for c in columns) / 2**20:.0f} MiB")
