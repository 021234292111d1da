"""What-ifs: levers (one class per lever), scenarios that apply them to an analysed month,
routing with quality, the frontier.

In: an analysed month and levers. Out: a ``tokenecon.whatif/v1`` document.
"""
