// ClipSandbox: a loopback server that speaks the providers' wire formats and renders real clips.
