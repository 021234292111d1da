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
- the kinds and their effects, a module per family: ``routing`` (success rates from
  ``quality``), ``lever_prompt``, ``lever_cache``, ``lever_tier``, ``lever_attempts``.
- ``registry``: every kind, in the order flags apply them.
- ``file_schema``: the lever parts of the ``scenarios`` and ``whatif`` JSON Schemas, from the
  registry.
- ``scenario_input``: scenarios from lever flags or a YAML file, read through the registry.
- ``scenarios``: :func:`apply_scenario` runs each lever's effect in order, then prices and
  decomposes the result like ``analyze``.
- ``frontier``: cost per outcome against outcome rate, now, per model and per scenario.
- ``run``: analyse once, apply every scenario, build the document.

Adding a lever touches three files by hand:

1. a module with its :class:`LeverKind` subclass, a new one or its family's: its ``flag``
   (which names it) with an example value, ``means`` and ``schema`` (its value in a scenario
   file: ``SHARE_VALUE``, ``TOKENS_VALUE`` ... from ``lever_values``), likewise each of its
   ``modifiers``; its ``reference`` (its row of the user reference's lever table); ``parse``,
   ``describe``, ``to_dict``, ``from_dict``, ``shown``, ``apply``, and ``prompt_step`` if it
   changes prompt sizes (a one-value lever gets ``parse``, the JSON, ``describe`` from its
   ``sentence`` and ``shown`` from :class:`OneValueLever`);
2. ``registry.py``: its place in ``LEVERS``;
3. ``tests/test_whatif_levers.py``: its effect computed by hand (``tests/test_whatif_registry.py``
   and ``tests/test_whatif_schema.py`` check the rest for every kind).

Then ``.venv/bin/python docs/gen_cli.py`` rewrites what follows from the registry and is kept
in files: docs/cli.md (``--help``), the lever table of docs/whatif.md, and the lever parts of
``tokenecon/report/schemas/scenarios.schema.json`` and ``whatif.schema.json``;
``tests/test_docs.py`` fails until it has. The ``whatif`` flags, scenario-file keys, hints
and JSON follow from the registry at run time.
"""
