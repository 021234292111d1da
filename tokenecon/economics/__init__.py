"""Unit economics: the three factors of cost per outcome (pricing, efficiency, design), fully
loaded cost, the diagnosis against targets and the board lines.

In: priced groups and the mapping. Out: use-case economics, findings, board figures.
"""
