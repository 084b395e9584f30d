"""The scheme model: parties, arrangements, requirements with their rules, allocations, fees."""
