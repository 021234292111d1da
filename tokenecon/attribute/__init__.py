"""Attribution: the outcome mapping (use cases, tasks, outcomes), the rules that give each usage
row its use case, and the outcome events that verify tasks.

In: the mapping YAML and the canonical usage table. Out: Ibis expressions for use case, task
and outcome, and the parsed mapping.
"""
