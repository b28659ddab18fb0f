"""The CrossGuard policy pack. Rules live in policies/rules; __main__.py only builds the pack."""
