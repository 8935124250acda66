"""The human-baseline kit: measure people on a suite's quadruplets with the question IntPhys asked
them. `study.py` writes a study folder (`voebench human-study`) from the plan (`plan.py`:
lists, orders, attention checks and the rule) and the participant's page (`page.py`);
`answers.py` checks what the page downloads; `results.py` turns checked answers into a results
directory (`voebench human-results`) that the harness and `voebench submit` read like a model's."""
