"""The layer x node table of the terminal summary and `bringup report`."""

from bringup.report.summary import layer_node_table


def record(layer, node, outcome):
    return {"layer": layer, "node": node, "outcome": outcome}


def test_layers_are_rows_and_cells_count_outcomes():
    lines = layer_node_table([record(1, "n1", "passed"), record(1, "n1", "error"), record(6, "n1", "blocked"),
                              record(1, "n2", "skipped")])
    assert lines == ["cells: passed/failed/blocked/skipped",
                     "layer         n1       n2",
                     "L01 hardware  1/1/0/0  0/0/0/1",
                     "L06 host_os   0/0/1/0  -"]


def test_many_nodes_become_rows():
    lines = layer_node_table([record(1, f"node{i:02d}", "passed") for i in range(12)])
    assert lines[1].split() == ["node", "L01"] and lines[-1].split() == ["node11", "1/0/0/0"]


def test_node_names_cannot_drive_the_terminal_and_odd_records_count_as_failed():
    lines = layer_node_table([record(1, "n\x1b[2J1", "passed"), record(1, "n\x07", "passed"),
                              {"node": "n2", "layer": "L1", "outcome": None}])
    assert lines[1:] == ["layer         n1       n2       n\\x07",  # clear-screen dropped, BEL shown, not rung
                         "L00 ?         -        0/1/0/0  -",  # unreadable layer and outcome: layer 0, failed
                         "L01 hardware  1/0/0/0  -        1/0/0/0"]
