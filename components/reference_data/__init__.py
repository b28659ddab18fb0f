"""Reference data replicated across regions as DynamoDB global tables, with their conflict rule (practice 4.3)."""
