// ClipProviders: clients for the video-generation task APIs (PiAPI, KKIAI, Pixwith, Luma). No FFmpeg here.
