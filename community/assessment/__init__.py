"""Self-assessment: the organisation and its parents rate the same statements of the framework."""
