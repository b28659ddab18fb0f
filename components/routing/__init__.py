"""DNS traffic routing (practice 8.4): Route 53 records with health checks, Azure Traffic Manager profiles.

Import the component from `components.routing.traffic`; `plan` holds the pure record arithmetic.
"""
