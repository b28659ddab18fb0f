"""DNS routing shapes (practice 8.4 routing, 6.3 health checks, 8.6 failover): a failover record without a
health check never fails over, and a Traffic Manager profile probing over plain HTTP can pass while TLS is broken."""

from __future__ import annotations

RECORD = "aws:route53/record:Record"
PROFILE = "azure-native:trafficmanager:Profile"
