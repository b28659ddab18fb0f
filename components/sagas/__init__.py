"""Sagas (practice 4.1): Step Functions state machines whose definitions are generated from the spec."""
