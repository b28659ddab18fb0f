"""The hybrid integration component library: typed spec models and one ComponentResource per capability."""
