// ClipPipeline: presets, QA policy, generate, chains, the journal, galleries and webhooks.
