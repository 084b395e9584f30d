"""The application as a case: its states, fees and evidence rules; pure, no I/O."""
