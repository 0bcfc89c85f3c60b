"""Members write to each other through Krug, without exchanging contacts."""
