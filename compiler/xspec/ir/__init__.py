"""The IR: a target-neutral plan of plain data, lowered from a checked spec (and its lock).

``lower.lower_program`` builds it, ``schema.json`` describes it, backends read it.
"""

IR_VERSION = 1
