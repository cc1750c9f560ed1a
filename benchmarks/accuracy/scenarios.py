"""The accuracy scenarios: shared/peers/reference.py's (same names, parameters and stimuli) plus two with non-default
parameters from issue 18 (a stronger HH cell, a chattering Izhikevich cell)."""
COND = ["gsyn_exc", "gsyn_inh"]
T_STOP = 300.0
SPIKES_EXC = [20.0, 22.5, 25.0, 60.0, 61.0, 62.0, 63.0, 64.0, 150.0, 151.0, 152.0, 153.0, 154.0, 155.0, 156.0]
SPIKES_INH = [100.0, 101.0, 102.0, 200.0, 210.0]
# (scenario, cell type, parameters, stimulus kind, (low, high) step amplitudes nA or (w_exc, w_inh), extra recordables)
SCENARIOS = [
    ("IF_curr_exp_step", "IF_curr_exp", {}, "step", (0.5, 2.0), []),
    ("IF_curr_alpha_step", "IF_curr_alpha", {}, "step", (0.5, 2.0), []),
    ("IF_cond_exp_step", "IF_cond_exp", {}, "step", (0.5, 2.0), COND),
    ("IF_cond_alpha_step", "IF_cond_alpha", {}, "step", (0.5, 2.0), COND),
    ("IF_curr_exp_syn", "IF_curr_exp", {}, "syn", (1.0, -0.5), []),
    ("IF_curr_alpha_syn", "IF_curr_alpha", {}, "syn", (1.0, -0.5), []),
    ("IF_cond_exp_syn", "IF_cond_exp", {}, "syn", (0.05, 0.05), COND),
    ("IF_cond_alpha_syn", "IF_cond_alpha", {}, "syn", (0.05, 0.05), COND),
    ("IF_cond_exp_gsfa_grr_step", "IF_cond_exp_gsfa_grr", {}, "step", (0.5, 2.0), COND),
    ("HH_cond_exp_step", "HH_cond_exp", {}, "step", (0.05, 0.3), COND),
    ("EIF_cond_exp_isfa_ista_step", "EIF_cond_exp_isfa_ista", {}, "step", (0.5, 1.0), ["w"]),
    ("EIF_cond_alpha_isfa_ista_step", "EIF_cond_alpha_isfa_ista", {}, "step", (0.5, 1.0), ["w"]),
    ("Izhikevich_step", "Izhikevich", {}, "step", (0.005, 0.014), ["u"]),
    ("HH_cond_exp_strong_step", "HH_cond_exp", {"gbar_Na": 30.0, "gbar_K": 8.0, "cm": 0.25}, "step", (0.05, 0.3), COND),
    ("Izhikevich_chattering_step", "Izhikevich", {"a": 0.02, "b": 0.2, "c": -50.0, "d": 2.0}, "step", (0.005, 0.014), ["u"]),
]
