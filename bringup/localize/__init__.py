"""Localization (issue 12): when a pair or a collective is slow, name the node, the rail (NIC) or the link.

Pure logic in small modules, one driver that asks a ``measure`` callback, and the glue to a suite run:

- :mod:`.model`: pair measurements, suspects and blames (data only);
- :mod:`.secondpass`: suspects from the first pass, their re-test against known-good partners, the blame rules;
- :mod:`.bisect`: halving a slow collective's node set to the smallest failing set;
- :mod:`.driver`: the two stages run through a ``measure(groups) -> values`` callback (live, recorded, simulated);
- :mod:`.evidence`: the sentence per blame (bandwidths, counter deltas, LLDP neighbour or cabling plan);
- :mod:`.recorded`: a run directory's benchmark records as measurements; :mod:`.pipeline`: one case localized
  from its first-pass runs (pairs, or a collective bisected); :mod:`.suite`: the live pass and test items;
- :mod:`.table`: ``RUN/bench/blame.csv``; :mod:`.simulate`: synthetic fleets; :mod:`.cli`: ``bringup localize``.
"""
