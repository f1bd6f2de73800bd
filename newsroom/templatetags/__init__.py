"""Template tag libraries of the newsroom app."""
