"""Installation admin: organisations and specialists' accounts."""
