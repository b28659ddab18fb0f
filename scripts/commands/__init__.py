"""One module per `hybrid` verb."""
