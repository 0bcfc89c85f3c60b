"""Community health: named indicators, a rule-based stage verdict, history and dashboards."""
