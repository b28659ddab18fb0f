"""Network foundation: per-region VPCs / VNets the other capabilities stand on."""
