"""What-ifs: levers (one class per lever), scenarios that apply them to an analysed month,
routing with quality, the frontier.

In: an analysed month and levers. Out: a ``tokenecon.whatif/v1`` document.

How the modules relate, bottom to top:

- ``scenario_parts``: what a scenario is made of while levers act on it: parts of the usage at
  the pricing grain, their prompt-size steps, the tasks, the assumptions (:class:`State`), and
  what levers may read (:class:`Context`). It knows no lever.
- ``lever_values``: how people write lever values (shares, percentages, tokens, choices).
- ``levers``: what a lever is: :class:`LeverKind` (one subclass per kind owns its name, flags,
  parsing, description, JSON, short label and effect), :class:`Lever` (a kind on a slice of the
  usage) and :class:`Scenario` (levers in order).
- ``slices``: the slice a lever names (use cases, models, a share), taken out of the state and
  changed; every effect goes through it.
- the kinds and their effects: ``routing`` (route; success rates from ``quality``),
  ``lever_prompt`` (trim_prompt, trim_output, context_cap), ``lever_cache`` (cache),
  ``lever_tier`` (batch, tier), ``lever_attempts`` (retry_cut, max_attempts).
- ``registry``: every kind, in the order flags apply them.
- ``scenario_input``: scenarios from lever flags or a YAML file, read through the registry.
- ``scenarios``: :func:`apply_scenario` runs each lever's effect in order, then prices and
  decomposes the result like ``analyze``.
- ``frontier``: cost per outcome against outcome rate, now, per model and per scenario.
- ``run``: analyse once, apply every scenario, build the document.

Adding a lever touches three files: a module with its :class:`LeverKind` subclass (its
``flag`` with an example value, which names it; ``modifiers``, ``parse``, ``describe``,
``to_dict``, ``from_dict``, ``shown``, ``apply``, and ``prompt_step`` if it changes prompt
sizes; a one-value lever gets ``parse``, the JSON and ``shown`` from :class:`OneValueLever`;
a new module, or the one of its family), ``registry.py`` (its place in ``LEVERS``), and
``tests/test_whatif_levers.py`` (its effect computed by hand; ``tests/test_whatif_registry.py``
checks the rest for every kind).
The ``whatif`` flags and ``--help``, scenario-file keys, hints and JSON follow from the
registry; the user reference (README's lever table) gets a row for it.
"""
