"""The offline planner: the real program under the Pulumi SDK's mock engine, recorded as a stack export."""
