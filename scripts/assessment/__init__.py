"""`hybrid audit`: a read-only security assessment of what is deployed (practice 5.5).

Live configuration is read with the cloud SDKs (aws.py, azure.py), turned into resource states of the same
type tokens and input shapes a plan carries (states.py), and judged by the policy pack's own rules
(rules.py), so an audit and a plan give the same verdict on the same configuration. Every call is a read
(readonly.py refuses anything else before it is sent); secret values are never read.
"""
