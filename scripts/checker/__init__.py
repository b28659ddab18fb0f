"""Reading plans, stack exports and previews into resource views, and running the rules over them."""
