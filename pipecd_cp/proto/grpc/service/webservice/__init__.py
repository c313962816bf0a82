"""Generated from protos/ by scripts/genproto.py. Do not edit."""
