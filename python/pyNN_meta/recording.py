"""The recorder of pyNN.meta: Meta records; PyNN's Recorder builds the Neo blocks, segments and annotations."""

import numpy as np
from pyNN import recording
from . import simulator
from .nativemodels import meta_state


class Recorder(recording.Recorder):
    _simulator = simulator

    def _indices(self, ids):
        ids = np.fromiter((int(i) for i in ids), dtype=np.int64)
        return np.asarray(self.population.id_to_index(ids), dtype=np.int64).reshape(-1)

    def _record(self, variable, new_ids, sampling_interval=None):
        if sampling_interval is not None:
            self.sampling_interval = sampling_interval
        if not new_ids:
            return
        self._simulator.state.call("record", population=self.population._meta_index,
                                   indices=self._indices(sorted(new_ids)),
                                   variables=[meta_state(self.population.celltype, variable)[0]],
                                   sampling_interval=sampling_interval)

    def _spikes(self, ids):
        result = self._simulator.state.call("recorded", population=self.population._meta_index, variable="spikes")
        indices, times = result["indices"].astype(int), result["times"]
        wanted = np.zeros(self.population.size, bool)
        if len(ids):
            wanted[self._indices(ids)] = True
        keep = wanted[indices] if indices.size else np.zeros(0, bool)
        return indices[keep], times[keep]

    def _get_spiketimes(self, ids, clear=False):
        indices, times = self._spikes(ids)
        return self.population.all_cells[indices].astype(int), times

    def _get_all_signals(self, variable, ids, clear=False):
        name, factor = meta_state(self.population.celltype, variable)
        result = self._simulator.state.call("recorded", population=self.population._meta_index, variable=name)
        channels = result["channels"].astype(int)
        data = np.asarray(result["data"]).reshape(-1, channels.size) if channels.size else np.zeros((0, 0))
        wanted = self._indices(ids)
        column = {c: k for k, c in enumerate(channels)}
        if channels.size == 0 or wanted.size == 0:
            return np.zeros((0, len(wanted))), None
        return data[:, [column[i] for i in wanted]] / factor, None

    def _local_count(self, variable, filter_ids=None):
        ids = sorted(self.filter_recorded(variable, filter_ids))
        indices, _ = self._spikes(ids)
        counts = np.bincount(indices, minlength=self.population.size)
        return {int(id): int(counts[self.population.id_to_index(id)]) for id in ids}

    def _clear_simulator(self):
        self._simulator.state.call("clear_recording", population=self.population._meta_index)

    def _reset(self):
        self._simulator.state.call("stop_recording", population=self.population._meta_index)
