"""Applications: the case from the first answer to a decision, its evidence and its fee."""
