"""One rule per module, named after its id; registry.discover() finds them."""
