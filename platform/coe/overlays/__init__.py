"""Site overlays: each site's bounded configuration of a template, with approval and history."""
