"""``rdma -j statistic show link <dev>/<port>``: the port's hw counters. Example (iproute2 6.1, mlx5; names
from the kernel's ``drivers/infiniband/hw/mlx5/counters.c``; abridged)::

    [{"ifname":"mlx5_0","port":1,"rx_write_requests":0,"rx_read_requests":0,"out_of_buffer":0,
      "out_of_sequence":0,"duplicate_request":0,"rnr_nak_retry_err":0,"packet_seq_err":0,
      "implied_nak_seq_err":0,"local_ack_timeout_err":0,"np_cnp_sent":0,"rp_cnp_handled":0,
      "rp_cnp_ignored":0,"np_ecn_marked_roce_packets":0}]

Newer iproute2 adds ``"optional-counters"``; non-integer keys are ignored. Returns ``{"<dev>/<port>":
{counter: int}}``.
"""

from __future__ import annotations

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError

TOOL = "rdma-statistic"


@jsonout.shape_checked("rdma -j statistic show")
def parse(text: str) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for item in jsonout.load_list(text, "rdma -j statistic show"):
        if "ifname" not in item or "port" not in item:
            raise ParseError(f"`rdma -j statistic` entry without ifname/port: {str(item)[:120]!r}")
        counters = {k: int(v) for k, v in item.items()
                    if k not in ("ifname", "port", "ifindex") and isinstance(v, int) and not isinstance(v, bool)}
        found[f"{item['ifname']}/{item['port']}"] = counters
    return found
