"""Reading PipeCD's control-plane configuration file."""
from pipecd_cp.config.controlplane import ControlPlaneConfig, load_config, parse_config

__all__ = ["ControlPlaneConfig", "load_config", "parse_config"]
