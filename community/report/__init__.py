"""The impact report: the five monitoring questions answered with Krug's own data (SPEC §3a)."""
