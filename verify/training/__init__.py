"""Training and measuring the verifier: fine-tuning, mining pairs, calibration, metrics (command-line tools)."""
