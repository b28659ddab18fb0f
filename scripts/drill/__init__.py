"""The regional failover drill behind `hybrid drill ENV` (practice 8.6: test failover between regions).

One code path for two targets: real AWS, and moto's server on 127.0.0.1 seeded from the offline plan.
Where the local stand-in lacks an API the drill needs, a small extension here does the work and the
report marks the step emulated; nothing pretends to be a real-cloud result.
"""
