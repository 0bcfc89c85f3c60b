"""Pages that belong to no single feature: home, health check, privacy notice, errors."""
