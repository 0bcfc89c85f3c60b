"""Supporting organisations (NGOs), their specialists, and the groups they support."""
